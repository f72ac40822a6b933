import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from orthoplan.v1 import records_pb2 as _records_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CaseKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_KIND_UNSPECIFIED: _ClassVar[CaseKind]
    ALIGNER: _ClassVar[CaseKind]
    REFINEMENT: _ClassVar[CaseKind]
    RETAINER: _ClassVar[CaseKind]

class CaseState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_STATE_UNSPECIFIED: _ClassVar[CaseState]
    DRAFT: _ClassVar[CaseState]
    SUBMITTED: _ClassVar[CaseState]
    AWAITING_SETUP: _ClassVar[CaseState]
    SETUP_READY: _ClassVar[CaseState]
    READY_FOR_APPROVAL: _ClassVar[CaseState]
    APPROVED: _ClassVar[CaseState]
    IN_PRODUCTION: _ClassVar[CaseState]
    IN_TREATMENT: _ClassVar[CaseState]
    TREATMENT_COMPLETED: _ClassVar[CaseState]
    CANCELLED: _ClassVar[CaseState]
    CLOSED: _ClassVar[CaseState]

class CaseStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CASE_STATUS_UNSPECIFIED: _ClassVar[CaseStatus]
    STATUS_AWAITING_SETUP: _ClassVar[CaseStatus]
    STATUS_EVALUATING_SETUP: _ClassVar[CaseStatus]
    STATUS_READY_FOR_APPROVAL: _ClassVar[CaseStatus]
    STATUS_APPROVED: _ClassVar[CaseStatus]
    STATUS_ARCHIVED: _ClassVar[CaseStatus]
    STATUS_UNREAD_MESSAGE: _ClassVar[CaseStatus]
CASE_KIND_UNSPECIFIED: CaseKind
ALIGNER: CaseKind
REFINEMENT: CaseKind
RETAINER: CaseKind
CASE_STATE_UNSPECIFIED: CaseState
DRAFT: CaseState
SUBMITTED: CaseState
AWAITING_SETUP: CaseState
SETUP_READY: CaseState
READY_FOR_APPROVAL: CaseState
APPROVED: CaseState
IN_PRODUCTION: CaseState
IN_TREATMENT: CaseState
TREATMENT_COMPLETED: CaseState
CANCELLED: CaseState
CLOSED: CaseState
CASE_STATUS_UNSPECIFIED: CaseStatus
STATUS_AWAITING_SETUP: CaseStatus
STATUS_EVALUATING_SETUP: CaseStatus
STATUS_READY_FOR_APPROVAL: CaseStatus
STATUS_APPROVED: CaseStatus
STATUS_ARCHIVED: CaseStatus
STATUS_UNREAD_MESSAGE: CaseStatus

class Patient(_message.Message):
    __slots__ = ("id", "first_name", "last_name", "birth_date", "chart_number", "email", "mobile", "location_id", "provider_id", "etag", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    LAST_NAME_FIELD_NUMBER: _ClassVar[int]
    BIRTH_DATE_FIELD_NUMBER: _ClassVar[int]
    CHART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    MOBILE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    first_name: str
    last_name: str
    birth_date: str
    chart_number: str
    email: str
    mobile: str
    location_id: str
    provider_id: str
    etag: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., first_name: _Optional[str] = ..., last_name: _Optional[str] = ..., birth_date: _Optional[str] = ..., chart_number: _Optional[str] = ..., email: _Optional[str] = ..., mobile: _Optional[str] = ..., location_id: _Optional[str] = ..., provider_id: _Optional[str] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Prescription(_message.Message):
    __slots__ = ("goals", "arches", "teeth_not_to_move", "ipr_allowed", "attachments_allowed")
    GOALS_FIELD_NUMBER: _ClassVar[int]
    ARCHES_FIELD_NUMBER: _ClassVar[int]
    TEETH_NOT_TO_MOVE_FIELD_NUMBER: _ClassVar[int]
    IPR_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    goals: str
    arches: _containers.RepeatedScalarFieldContainer[str]
    teeth_not_to_move: _containers.RepeatedScalarFieldContainer[int]
    ipr_allowed: bool
    attachments_allowed: bool
    def __init__(self, goals: _Optional[str] = ..., arches: _Optional[_Iterable[str]] = ..., teeth_not_to_move: _Optional[_Iterable[int]] = ..., ipr_allowed: _Optional[bool] = ..., attachments_allowed: _Optional[bool] = ...) -> None: ...

class Case(_message.Message):
    __slots__ = ("id", "number", "kind", "state", "patient_id", "provider_id", "location_id", "prescription", "etag", "create_time", "update_time", "patient_name", "status", "unread_messages", "parent_case_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    PRESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PATIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    UNREAD_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    PARENT_CASE_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    number: str
    kind: CaseKind
    state: CaseState
    patient_id: str
    provider_id: str
    location_id: str
    prescription: Prescription
    etag: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    patient_name: str
    status: CaseStatus
    unread_messages: int
    parent_case_id: str
    def __init__(self, id: _Optional[str] = ..., number: _Optional[str] = ..., kind: _Optional[_Union[CaseKind, str]] = ..., state: _Optional[_Union[CaseState, str]] = ..., patient_id: _Optional[str] = ..., provider_id: _Optional[str] = ..., location_id: _Optional[str] = ..., prescription: _Optional[_Union[Prescription, _Mapping]] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., patient_name: _Optional[str] = ..., status: _Optional[_Union[CaseStatus, str]] = ..., unread_messages: _Optional[int] = ..., parent_case_id: _Optional[str] = ...) -> None: ...

class RefinementFile(_message.Message):
    __slots__ = ("kind", "view", "filename", "taken_date", "size_bytes", "sha256")
    KIND_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    TAKEN_DATE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    kind: _records_pb2.RecordKind
    view: _records_pb2.PhotoView
    filename: str
    taken_date: str
    size_bytes: int
    sha256: str
    def __init__(self, kind: _Optional[_Union[_records_pb2.RecordKind, str]] = ..., view: _Optional[_Union[_records_pb2.PhotoView, str]] = ..., filename: _Optional[str] = ..., taken_date: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ...) -> None: ...

class RefinementHeader(_message.Message):
    __slots__ = ("patient_id", "goals", "arches", "files", "reuse_xray_record_id", "no_dental_work_since_xray", "photos_without_aligners", "request_id")
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    GOALS_FIELD_NUMBER: _ClassVar[int]
    ARCHES_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    REUSE_XRAY_RECORD_ID_FIELD_NUMBER: _ClassVar[int]
    NO_DENTAL_WORK_SINCE_XRAY_FIELD_NUMBER: _ClassVar[int]
    PHOTOS_WITHOUT_ALIGNERS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    patient_id: str
    goals: str
    arches: _containers.RepeatedScalarFieldContainer[str]
    files: _containers.RepeatedCompositeFieldContainer[RefinementFile]
    reuse_xray_record_id: str
    no_dental_work_since_xray: bool
    photos_without_aligners: bool
    request_id: str
    def __init__(self, patient_id: _Optional[str] = ..., goals: _Optional[str] = ..., arches: _Optional[_Iterable[str]] = ..., files: _Optional[_Iterable[_Union[RefinementFile, _Mapping]]] = ..., reuse_xray_record_id: _Optional[str] = ..., no_dental_work_since_xray: _Optional[bool] = ..., photos_without_aligners: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class RefinementChunk(_message.Message):
    __slots__ = ("file", "data")
    FILE_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    file: int
    data: bytes
    def __init__(self, file: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...

class RequestRefinementRequest(_message.Message):
    __slots__ = ("header", "chunk")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    header: RefinementHeader
    chunk: RefinementChunk
    def __init__(self, header: _Optional[_Union[RefinementHeader, _Mapping]] = ..., chunk: _Optional[_Union[RefinementChunk, _Mapping]] = ...) -> None: ...

class GetCaseStatusRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CaseStatusView(_message.Message):
    __slots__ = ("case_id", "status", "state", "unread_messages")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    UNREAD_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    status: CaseStatus
    state: CaseState
    unread_messages: int
    def __init__(self, case_id: _Optional[str] = ..., status: _Optional[_Union[CaseStatus, str]] = ..., state: _Optional[_Union[CaseState, str]] = ..., unread_messages: _Optional[int] = ...) -> None: ...

class CreatePatientRequest(_message.Message):
    __slots__ = ("patient", "request_id")
    PATIENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    patient: Patient
    request_id: str
    def __init__(self, patient: _Optional[_Union[Patient, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetPatientRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListPatientsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "query", "filter", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    query: str
    filter: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., query: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListPatientsResponse(_message.Message):
    __slots__ = ("patients", "next_page_token")
    PATIENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    patients: _containers.RepeatedCompositeFieldContainer[Patient]
    next_page_token: str
    def __init__(self, patients: _Optional[_Iterable[_Union[Patient, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdatePatientRequest(_message.Message):
    __slots__ = ("patient",)
    PATIENT_FIELD_NUMBER: _ClassVar[int]
    patient: Patient
    def __init__(self, patient: _Optional[_Union[Patient, _Mapping]] = ...) -> None: ...

class CreateCaseRequest(_message.Message):
    __slots__ = ("case", "request_id")
    CASE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case: Case
    request_id: str
    def __init__(self, case: _Optional[_Union[Case, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetCaseRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListCasesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by", "query")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    query: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ..., query: _Optional[str] = ...) -> None: ...

class ListCasesResponse(_message.Message):
    __slots__ = ("cases", "next_page_token")
    CASES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cases: _containers.RepeatedCompositeFieldContainer[Case]
    next_page_token: str
    def __init__(self, cases: _Optional[_Iterable[_Union[Case, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdatePrescriptionRequest(_message.Message):
    __slots__ = ("id", "prescription", "etag")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    id: str
    prescription: Prescription
    etag: str
    def __init__(self, id: _Optional[str] = ..., prescription: _Optional[_Union[Prescription, _Mapping]] = ..., etag: _Optional[str] = ...) -> None: ...

class TransitionCaseRequest(_message.Message):
    __slots__ = ("id", "etag", "reason", "request_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    etag: str
    reason: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...
