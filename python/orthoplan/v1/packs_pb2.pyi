import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from orthoplan.v1 import orders_pb2 as _orders_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PackStage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PACK_STAGE_UNSPECIFIED: _ClassVar[PackStage]
    NOT_SENT: _ClassVar[PackStage]
    SENT: _ClassVar[PackStage]
    FOLLOW_UP_REQUIRED: _ClassVar[PackStage]
    REQUESTED_TO_PROCEED: _ClassVar[PackStage]
    PACK_BOOKED: _ClassVar[PackStage]
    NOT_PROCEEDING: _ClassVar[PackStage]

class PlanType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAN_TYPE_UNSPECIFIED: _ClassVar[PlanType]
    ORAL_HEALTH: _ClassVar[PlanType]
    AESTHETIC: _ClassVar[PlanType]
    ORAL_HEALTH_AND_AESTHETIC: _ClassVar[PlanType]
PACK_STAGE_UNSPECIFIED: PackStage
NOT_SENT: PackStage
SENT: PackStage
FOLLOW_UP_REQUIRED: PackStage
REQUESTED_TO_PROCEED: PackStage
PACK_BOOKED: PackStage
NOT_PROCEEDING: PackStage
PLAN_TYPE_UNSPECIFIED: PlanType
ORAL_HEALTH: PlanType
AESTHETIC: PlanType
ORAL_HEALTH_AND_AESTHETIC: PlanType

class PackOption(_message.Message):
    __slots__ = ("name", "fee")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    name: str
    fee: _orders_pb2.Money
    def __init__(self, name: _Optional[str] = ..., fee: _Optional[_Union[_orders_pb2.Money, _Mapping]] = ...) -> None: ...

class PackTemplate(_message.Message):
    __slots__ = ("id", "name", "plan_type", "options", "next_steps")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLAN_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEPS_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    plan_type: PlanType
    options: _containers.RepeatedCompositeFieldContainer[PackOption]
    next_steps: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., plan_type: _Optional[_Union[PlanType, str]] = ..., options: _Optional[_Iterable[_Union[PackOption, _Mapping]]] = ..., next_steps: _Optional[str] = ...) -> None: ...

class TreatmentPack(_message.Message):
    __slots__ = ("id", "patient_id", "title", "plan_type", "options", "next_steps", "image_record_ids", "stage", "value", "sent_time", "link_expire_time", "created_by", "etag", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PLAN_TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEPS_FIELD_NUMBER: _ClassVar[int]
    IMAGE_RECORD_IDS_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    SENT_TIME_FIELD_NUMBER: _ClassVar[int]
    LINK_EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    patient_id: str
    title: str
    plan_type: PlanType
    options: _containers.RepeatedCompositeFieldContainer[PackOption]
    next_steps: str
    image_record_ids: _containers.RepeatedScalarFieldContainer[str]
    stage: PackStage
    value: _orders_pb2.Money
    sent_time: _timestamp_pb2.Timestamp
    link_expire_time: _timestamp_pb2.Timestamp
    created_by: str
    etag: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., patient_id: _Optional[str] = ..., title: _Optional[str] = ..., plan_type: _Optional[_Union[PlanType, str]] = ..., options: _Optional[_Iterable[_Union[PackOption, _Mapping]]] = ..., next_steps: _Optional[str] = ..., image_record_ids: _Optional[_Iterable[str]] = ..., stage: _Optional[_Union[PackStage, str]] = ..., value: _Optional[_Union[_orders_pb2.Money, _Mapping]] = ..., sent_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., link_expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., etag: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePackTemplateRequest(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: PackTemplate
    def __init__(self, template: _Optional[_Union[PackTemplate, _Mapping]] = ...) -> None: ...

class CreatePackRequest(_message.Message):
    __slots__ = ("patient_id", "template_id", "image_record_ids", "request_id")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_RECORD_IDS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    template_id: str
    image_record_ids: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    def __init__(self, patient_id: _Optional[str] = ..., template_id: _Optional[str] = ..., image_record_ids: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetPackRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class SendPackRequest(_message.Message):
    __slots__ = ("id", "email", "sms", "valid_days")
    ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    SMS_FIELD_NUMBER: _ClassVar[int]
    VALID_DAYS_FIELD_NUMBER: _ClassVar[int]
    id: str
    email: bool
    sms: bool
    valid_days: int
    def __init__(self, id: _Optional[str] = ..., email: _Optional[bool] = ..., sms: _Optional[bool] = ..., valid_days: _Optional[int] = ...) -> None: ...

class RevokePackLinkRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class MovePackRequest(_message.Message):
    __slots__ = ("id", "stage", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    stage: PackStage
    etag: str
    def __init__(self, id: _Optional[str] = ..., stage: _Optional[_Union[PackStage, str]] = ..., etag: _Optional[str] = ...) -> None: ...

class ListPackEventsRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class PackEvent(_message.Message):
    __slots__ = ("kind", "from_stage", "to_stage", "text", "user_id", "time")
    KIND_FIELD_NUMBER: _ClassVar[int]
    FROM_STAGE_FIELD_NUMBER: _ClassVar[int]
    TO_STAGE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    kind: str
    from_stage: PackStage
    to_stage: PackStage
    text: str
    user_id: str
    time: _timestamp_pb2.Timestamp
    def __init__(self, kind: _Optional[str] = ..., from_stage: _Optional[_Union[PackStage, str]] = ..., to_stage: _Optional[_Union[PackStage, str]] = ..., text: _Optional[str] = ..., user_id: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListPackEventsResponse(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[PackEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[PackEvent, _Mapping]]] = ...) -> None: ...

class GetPipelineBoardRequest(_message.Message):
    __slots__ = ("created_by", "from_date", "to_date", "plan_type", "per_stage")
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    PLAN_TYPE_FIELD_NUMBER: _ClassVar[int]
    PER_STAGE_FIELD_NUMBER: _ClassVar[int]
    created_by: str
    from_date: str
    to_date: str
    plan_type: PlanType
    per_stage: int
    def __init__(self, created_by: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., plan_type: _Optional[_Union[PlanType, str]] = ..., per_stage: _Optional[int] = ...) -> None: ...

class PipelineColumn(_message.Message):
    __slots__ = ("stage", "count", "total_value", "packs")
    STAGE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_VALUE_FIELD_NUMBER: _ClassVar[int]
    PACKS_FIELD_NUMBER: _ClassVar[int]
    stage: PackStage
    count: int
    total_value: _orders_pb2.Money
    packs: _containers.RepeatedCompositeFieldContainer[TreatmentPack]
    def __init__(self, stage: _Optional[_Union[PackStage, str]] = ..., count: _Optional[int] = ..., total_value: _Optional[_Union[_orders_pb2.Money, _Mapping]] = ..., packs: _Optional[_Iterable[_Union[TreatmentPack, _Mapping]]] = ...) -> None: ...

class PipelineBoard(_message.Message):
    __slots__ = ("columns",)
    COLUMNS_FIELD_NUMBER: _ClassVar[int]
    columns: _containers.RepeatedCompositeFieldContainer[PipelineColumn]
    def __init__(self, columns: _Optional[_Iterable[_Union[PipelineColumn, _Mapping]]] = ...) -> None: ...
