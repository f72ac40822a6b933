import datetime

from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RecordKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECORD_KIND_UNSPECIFIED: _ClassVar[RecordKind]
    UPPER_SCAN: _ClassVar[RecordKind]
    LOWER_SCAN: _ClassVar[RecordKind]
    BITE_SCAN: _ClassVar[RecordKind]
    PHOTO: _ClassVar[RecordKind]
    XRAY: _ClassVar[RecordKind]

class PhotoView(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PHOTO_VIEW_UNSPECIFIED: _ClassVar[PhotoView]
    EXTRAORAL_FRONTAL_REST: _ClassVar[PhotoView]
    EXTRAORAL_FRONTAL_SMILE: _ClassVar[PhotoView]
    EXTRAORAL_PROFILE: _ClassVar[PhotoView]
    INTRAORAL_FRONTAL: _ClassVar[PhotoView]
    INTRAORAL_RIGHT_BUCCAL: _ClassVar[PhotoView]
    INTRAORAL_LEFT_BUCCAL: _ClassVar[PhotoView]
    INTRAORAL_UPPER_OCCLUSAL: _ClassVar[PhotoView]
    INTRAORAL_LOWER_OCCLUSAL: _ClassVar[PhotoView]
RECORD_KIND_UNSPECIFIED: RecordKind
UPPER_SCAN: RecordKind
LOWER_SCAN: RecordKind
BITE_SCAN: RecordKind
PHOTO: RecordKind
XRAY: RecordKind
PHOTO_VIEW_UNSPECIFIED: PhotoView
EXTRAORAL_FRONTAL_REST: PhotoView
EXTRAORAL_FRONTAL_SMILE: PhotoView
EXTRAORAL_PROFILE: PhotoView
INTRAORAL_FRONTAL: PhotoView
INTRAORAL_RIGHT_BUCCAL: PhotoView
INTRAORAL_LEFT_BUCCAL: PhotoView
INTRAORAL_UPPER_OCCLUSAL: PhotoView
INTRAORAL_LOWER_OCCLUSAL: PhotoView

class Record(_message.Message):
    __slots__ = ("id", "case_id", "kind", "view", "filename", "content_type", "size_bytes", "sha256", "taken_date", "uploaded_by", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    TAKEN_DATE_FIELD_NUMBER: _ClassVar[int]
    UPLOADED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    case_id: str
    kind: RecordKind
    view: PhotoView
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    taken_date: str
    uploaded_by: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., case_id: _Optional[str] = ..., kind: _Optional[_Union[RecordKind, str]] = ..., view: _Optional[_Union[PhotoView, str]] = ..., filename: _Optional[str] = ..., content_type: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., taken_date: _Optional[str] = ..., uploaded_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UploadRecordHeader(_message.Message):
    __slots__ = ("case_id", "kind", "view", "filename", "taken_date", "sha256", "size_bytes", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    VIEW_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    TAKEN_DATE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    kind: RecordKind
    view: PhotoView
    filename: str
    taken_date: str
    sha256: str
    size_bytes: int
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., kind: _Optional[_Union[RecordKind, str]] = ..., view: _Optional[_Union[PhotoView, str]] = ..., filename: _Optional[str] = ..., taken_date: _Optional[str] = ..., sha256: _Optional[str] = ..., size_bytes: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class UploadRecordRequest(_message.Message):
    __slots__ = ("header", "chunk")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    header: UploadRecordHeader
    chunk: bytes
    def __init__(self, header: _Optional[_Union[UploadRecordHeader, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class GetRecordRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListRecordsRequest(_message.Message):
    __slots__ = ("case_id", "page_size", "page_token", "kind", "filter", "order_by")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    page_size: int
    page_token: str
    kind: RecordKind
    filter: str
    order_by: str
    def __init__(self, case_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., kind: _Optional[_Union[RecordKind, str]] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListRecordsResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[Record]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[_Union[Record, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DownloadRecordRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DownloadRecordResponse(_message.Message):
    __slots__ = ("record", "chunk")
    RECORD_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    record: Record
    chunk: bytes
    def __init__(self, record: _Optional[_Union[Record, _Mapping]] = ..., chunk: _Optional[bytes] = ...) -> None: ...

class DeleteRecordRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...
