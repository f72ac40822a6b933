import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from orthoplan.v1 import cases_pb2 as _cases_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Message(_message.Message):
    __slots__ = ("id", "case_id", "author_id", "author_name", "text", "language", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_NAME_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    case_id: str
    author_id: str
    author_name: str
    text: str
    language: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., case_id: _Optional[str] = ..., author_id: _Optional[str] = ..., author_name: _Optional[str] = ..., text: _Optional[str] = ..., language: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PostMessageRequest(_message.Message):
    __slots__ = ("case_id", "text", "language", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    text: str
    language: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., text: _Optional[str] = ..., language: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
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

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages", "next_page_token", "last_read_id")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    LAST_READ_ID_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    next_page_token: str
    last_read_id: int
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., last_read_id: _Optional[int] = ...) -> None: ...

class MarkMessagesReadRequest(_message.Message):
    __slots__ = ("case_id", "up_to_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    UP_TO_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    up_to_id: int
    def __init__(self, case_id: _Optional[str] = ..., up_to_id: _Optional[int] = ...) -> None: ...

class MarkMessagesReadResponse(_message.Message):
    __slots__ = ("last_read_id", "unread_messages")
    LAST_READ_ID_FIELD_NUMBER: _ClassVar[int]
    UNREAD_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    last_read_id: int
    unread_messages: int
    def __init__(self, last_read_id: _Optional[int] = ..., unread_messages: _Optional[int] = ...) -> None: ...

class TranslateMessageRequest(_message.Message):
    __slots__ = ("id", "target_language")
    ID_FIELD_NUMBER: _ClassVar[int]
    TARGET_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    id: int
    target_language: str
    def __init__(self, id: _Optional[int] = ..., target_language: _Optional[str] = ...) -> None: ...

class TranslateMessageResponse(_message.Message):
    __slots__ = ("id", "source_language", "target_language", "text")
    ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TARGET_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    id: int
    source_language: str
    target_language: str
    text: str
    def __init__(self, id: _Optional[int] = ..., source_language: _Optional[str] = ..., target_language: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ("case_id", "after_seq", "from_now")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    FROM_NOW_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    after_seq: int
    from_now: bool
    def __init__(self, case_id: _Optional[str] = ..., after_seq: _Optional[int] = ..., from_now: _Optional[bool] = ...) -> None: ...

class CaseChanged(_message.Message):
    __slots__ = ("case_id", "case_number", "state")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    CASE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    case_number: str
    state: _cases_pb2.CaseState
    def __init__(self, case_id: _Optional[str] = ..., case_number: _Optional[str] = ..., state: _Optional[_Union[_cases_pb2.CaseState, str]] = ...) -> None: ...

class MessagesRead(_message.Message):
    __slots__ = ("case_id", "last_read_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    LAST_READ_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    last_read_id: int
    def __init__(self, case_id: _Optional[str] = ..., last_read_id: _Optional[int] = ...) -> None: ...

class NeedsAction(_message.Message):
    __slots__ = ("count",)
    COUNT_FIELD_NUMBER: _ClassVar[int]
    count: int
    def __init__(self, count: _Optional[int] = ...) -> None: ...

class Heartbeat(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Event(_message.Message):
    __slots__ = ("topic", "seq", "time", "heartbeat", "message_posted", "case_changed", "messages_read", "needs_action")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_POSTED_FIELD_NUMBER: _ClassVar[int]
    CASE_CHANGED_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_READ_FIELD_NUMBER: _ClassVar[int]
    NEEDS_ACTION_FIELD_NUMBER: _ClassVar[int]
    topic: str
    seq: int
    time: _timestamp_pb2.Timestamp
    heartbeat: Heartbeat
    message_posted: Message
    case_changed: CaseChanged
    messages_read: MessagesRead
    needs_action: NeedsAction
    def __init__(self, topic: _Optional[str] = ..., seq: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., heartbeat: _Optional[_Union[Heartbeat, _Mapping]] = ..., message_posted: _Optional[_Union[Message, _Mapping]] = ..., case_changed: _Optional[_Union[CaseChanged, _Mapping]] = ..., messages_read: _Optional[_Union[MessagesRead, _Mapping]] = ..., needs_action: _Optional[_Union[NeedsAction, _Mapping]] = ...) -> None: ...
