import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SetupState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETUP_STATE_UNSPECIFIED: _ClassVar[SetupState]
    SETUP_PROPOSED: _ClassVar[SetupState]
    SETUP_APPROVED: _ClassVar[SetupState]
    SETUP_REVISION_REQUESTED: _ClassVar[SetupState]
    SETUP_DECLINED: _ClassVar[SetupState]
    SETUP_SUPERSEDED: _ClassVar[SetupState]
SETUP_STATE_UNSPECIFIED: SetupState
SETUP_PROPOSED: SetupState
SETUP_APPROVED: SetupState
SETUP_REVISION_REQUESTED: SetupState
SETUP_DECLINED: SetupState
SETUP_SUPERSEDED: SetupState

class ToothMovement(_message.Message):
    __slots__ = ("fdi", "target_transform", "first_stage", "last_stage")
    FDI_FIELD_NUMBER: _ClassVar[int]
    TARGET_TRANSFORM_FIELD_NUMBER: _ClassVar[int]
    FIRST_STAGE_FIELD_NUMBER: _ClassVar[int]
    LAST_STAGE_FIELD_NUMBER: _ClassVar[int]
    fdi: int
    target_transform: _containers.RepeatedScalarFieldContainer[float]
    first_stage: int
    last_stage: int
    def __init__(self, fdi: _Optional[int] = ..., target_transform: _Optional[_Iterable[float]] = ..., first_stage: _Optional[int] = ..., last_stage: _Optional[int] = ...) -> None: ...

class IprSite(_message.Message):
    __slots__ = ("fdi_a", "fdi_b", "amount_mm", "stage")
    FDI_A_FIELD_NUMBER: _ClassVar[int]
    FDI_B_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MM_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    fdi_a: int
    fdi_b: int
    amount_mm: float
    stage: int
    def __init__(self, fdi_a: _Optional[int] = ..., fdi_b: _Optional[int] = ..., amount_mm: _Optional[float] = ..., stage: _Optional[int] = ...) -> None: ...

class SetupPlan(_message.Message):
    __slots__ = ("stage_count", "teeth", "ipr", "notes")
    STAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    TEETH_FIELD_NUMBER: _ClassVar[int]
    IPR_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    stage_count: int
    teeth: _containers.RepeatedCompositeFieldContainer[ToothMovement]
    ipr: _containers.RepeatedCompositeFieldContainer[IprSite]
    notes: str
    def __init__(self, stage_count: _Optional[int] = ..., teeth: _Optional[_Iterable[_Union[ToothMovement, _Mapping]]] = ..., ipr: _Optional[_Iterable[_Union[IprSite, _Mapping]]] = ..., notes: _Optional[str] = ...) -> None: ...

class Approval(_message.Message):
    __slots__ = ("user_id", "time", "version", "content_sha256")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    time: _timestamp_pb2.Timestamp
    version: int
    content_sha256: str
    def __init__(self, user_id: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., version: _Optional[int] = ..., content_sha256: _Optional[str] = ...) -> None: ...

class ReviewNote(_message.Message):
    __slots__ = ("text", "stage", "fdi", "author_id", "action", "create_time")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    FDI_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    text: str
    stage: int
    fdi: int
    author_id: str
    action: SetupState
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, text: _Optional[str] = ..., stage: _Optional[int] = ..., fdi: _Optional[int] = ..., author_id: _Optional[str] = ..., action: _Optional[_Union[SetupState, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TreatmentSetup(_message.Message):
    __slots__ = ("case_id", "version", "state", "plan", "content_sha256", "created_by", "create_time", "approval", "notes")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    APPROVAL_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    version: int
    state: SetupState
    plan: SetupPlan
    content_sha256: str
    created_by: str
    create_time: _timestamp_pb2.Timestamp
    approval: Approval
    notes: _containers.RepeatedCompositeFieldContainer[ReviewNote]
    def __init__(self, case_id: _Optional[str] = ..., version: _Optional[int] = ..., state: _Optional[_Union[SetupState, str]] = ..., plan: _Optional[_Union[SetupPlan, _Mapping]] = ..., content_sha256: _Optional[str] = ..., created_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., approval: _Optional[_Union[Approval, _Mapping]] = ..., notes: _Optional[_Iterable[_Union[ReviewNote, _Mapping]]] = ...) -> None: ...

class CreateSetupRequest(_message.Message):
    __slots__ = ("case_id", "plan", "case_etag", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    CASE_ETAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    plan: SetupPlan
    case_etag: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., plan: _Optional[_Union[SetupPlan, _Mapping]] = ..., case_etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetSetupRequest(_message.Message):
    __slots__ = ("case_id", "version")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    version: int
    def __init__(self, case_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class ListSetupsRequest(_message.Message):
    __slots__ = ("case_id", "page_size", "page_token", "filter", "order_by")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, case_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListSetupsResponse(_message.Message):
    __slots__ = ("setups", "next_page_token")
    SETUPS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    setups: _containers.RepeatedCompositeFieldContainer[TreatmentSetup]
    next_page_token: str
    def __init__(self, setups: _Optional[_Iterable[_Union[TreatmentSetup, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ApproveSetupRequest(_message.Message):
    __slots__ = ("case_id", "version", "content_sha256", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CONTENT_SHA256_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    version: int
    content_sha256: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., version: _Optional[int] = ..., content_sha256: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ReviewSetupRequest(_message.Message):
    __slots__ = ("case_id", "version", "notes", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    version: int
    notes: _containers.RepeatedCompositeFieldContainer[ReviewNote]
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., version: _Optional[int] = ..., notes: _Optional[_Iterable[_Union[ReviewNote, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateViewerLinkRequest(_message.Message):
    __slots__ = ("case_id", "version", "valid_hours")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    VALID_HOURS_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    version: int
    valid_hours: int
    def __init__(self, case_id: _Optional[str] = ..., version: _Optional[int] = ..., valid_hours: _Optional[int] = ...) -> None: ...

class ViewerLink(_message.Message):
    __slots__ = ("url", "expire_time")
    URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    url: str
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, url: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
