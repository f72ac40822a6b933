import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from orthoplan.v1 import cases_pb2 as _cases_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CollaboratorPermission(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COLLABORATOR_PERMISSION_UNSPECIFIED: _ClassVar[CollaboratorPermission]
    ADD_ORDERS: _ClassVar[CollaboratorPermission]
    ORDER_REPLACEMENT_ALIGNERS: _ClassVar[CollaboratorPermission]
    DECLINE_SETUPS: _ClassVar[CollaboratorPermission]
    ALL_CASES: _ClassVar[CollaboratorPermission]
    VIEW_CASE_DETAILS: _ClassVar[CollaboratorPermission]
    REQUEST_REVISIONS: _ClassVar[CollaboratorPermission]
    APPROVE: _ClassVar[CollaboratorPermission]
    CHANGE_ACCOUNT_INFO: _ClassVar[CollaboratorPermission]
    CHANGE_PAYMENT_INFO: _ClassVar[CollaboratorPermission]
    CHANGE_EMAIL_PREFERENCES: _ClassVar[CollaboratorPermission]

class CollaborationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COLLABORATION_STATE_UNSPECIFIED: _ClassVar[CollaborationState]
    INVITED: _ClassVar[CollaborationState]
    PENDING: _ClassVar[CollaborationState]
    ACTIVE: _ClassVar[CollaborationState]
    DECLINED: _ClassVar[CollaborationState]
    REMOVED: _ClassVar[CollaborationState]
COLLABORATOR_PERMISSION_UNSPECIFIED: CollaboratorPermission
ADD_ORDERS: CollaboratorPermission
ORDER_REPLACEMENT_ALIGNERS: CollaboratorPermission
DECLINE_SETUPS: CollaboratorPermission
ALL_CASES: CollaboratorPermission
VIEW_CASE_DETAILS: CollaboratorPermission
REQUEST_REVISIONS: CollaboratorPermission
APPROVE: CollaboratorPermission
CHANGE_ACCOUNT_INFO: CollaboratorPermission
CHANGE_PAYMENT_INFO: CollaboratorPermission
CHANGE_EMAIL_PREFERENCES: CollaboratorPermission
COLLABORATION_STATE_UNSPECIFIED: CollaborationState
INVITED: CollaborationState
PENDING: CollaborationState
ACTIVE: CollaborationState
DECLINED: CollaborationState
REMOVED: CollaborationState

class Collaborator(_message.Message):
    __slots__ = ("id", "provider_id", "provider_name", "email", "collaborator_user_id", "state", "permissions", "etag", "create_time", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_NAME_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    COLLABORATOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    provider_id: str
    provider_name: str
    email: str
    collaborator_user_id: str
    state: CollaborationState
    permissions: _containers.RepeatedScalarFieldContainer[CollaboratorPermission]
    etag: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., provider_id: _Optional[str] = ..., provider_name: _Optional[str] = ..., email: _Optional[str] = ..., collaborator_user_id: _Optional[str] = ..., state: _Optional[_Union[CollaborationState, str]] = ..., permissions: _Optional[_Iterable[_Union[CollaboratorPermission, str]]] = ..., etag: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AddCollaboratorRequest(_message.Message):
    __slots__ = ("email", "permissions", "confirm_consent", "request_id")
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    CONFIRM_CONSENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    email: str
    permissions: _containers.RepeatedScalarFieldContainer[CollaboratorPermission]
    confirm_consent: bool
    request_id: str
    def __init__(self, email: _Optional[str] = ..., permissions: _Optional[_Iterable[_Union[CollaboratorPermission, str]]] = ..., confirm_consent: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetCollaboratorRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListCollaboratorsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "as_collaborator", "filter", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    AS_COLLABORATOR_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    as_collaborator: bool
    filter: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., as_collaborator: _Optional[bool] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListCollaboratorsResponse(_message.Message):
    __slots__ = ("collaborators", "next_page_token")
    COLLABORATORS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    collaborators: _containers.RepeatedCompositeFieldContainer[Collaborator]
    next_page_token: str
    def __init__(self, collaborators: _Optional[_Iterable[_Union[Collaborator, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateCollaboratorRequest(_message.Message):
    __slots__ = ("id", "etag", "permissions")
    ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    etag: str
    permissions: _containers.RepeatedScalarFieldContainer[CollaboratorPermission]
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ..., permissions: _Optional[_Iterable[_Union[CollaboratorPermission, str]]] = ...) -> None: ...

class CollaboratorActionRequest(_message.Message):
    __slots__ = ("id", "etag", "request_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    etag: str
    request_id: str
    def __init__(self, id: _Optional[str] = ..., etag: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ShareCaseRequest(_message.Message):
    __slots__ = ("collaborator_id", "case_id")
    COLLABORATOR_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    collaborator_id: str
    case_id: str
    def __init__(self, collaborator_id: _Optional[str] = ..., case_id: _Optional[str] = ...) -> None: ...

class CaseShare(_message.Message):
    __slots__ = ("collaborator_id", "case_id", "create_time")
    COLLABORATOR_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    collaborator_id: str
    case_id: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, collaborator_id: _Optional[str] = ..., case_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UnshareCaseResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSharedCasesRequest(_message.Message):
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

class RegisterCollaboratorRequest(_message.Message):
    __slots__ = ("invite_token", "organization_name", "display_name", "password")
    INVITE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORGANIZATION_NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    invite_token: str
    organization_name: str
    display_name: str
    password: str
    def __init__(self, invite_token: _Optional[str] = ..., organization_name: _Optional[str] = ..., display_name: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class RegisterCollaboratorResponse(_message.Message):
    __slots__ = ("user_id", "email", "collaborator")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    COLLABORATOR_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    email: str
    collaborator: Collaborator
    def __init__(self, user_id: _Optional[str] = ..., email: _Optional[str] = ..., collaborator: _Optional[_Union[Collaborator, _Mapping]] = ...) -> None: ...
