from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeliveryMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_MODE_UNSPECIFIED: _ClassVar[DeliveryMode]
    IMMEDIATE: _ClassVar[DeliveryMode]
    DAILY_DIGEST: _ClassVar[DeliveryMode]
    WEEKLY_DIGEST: _ClassVar[DeliveryMode]
DELIVERY_MODE_UNSPECIFIED: DeliveryMode
IMMEDIATE: DeliveryMode
DAILY_DIGEST: DeliveryMode
WEEKLY_DIGEST: DeliveryMode

class NotificationPreference(_message.Message):
    __slots__ = ("event", "mode")
    EVENT_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    event: str
    mode: DeliveryMode
    def __init__(self, event: _Optional[str] = ..., mode: _Optional[_Union[DeliveryMode, str]] = ...) -> None: ...

class GetNotificationPreferencesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class NotificationPreferences(_message.Message):
    __slots__ = ("preferences",)
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    preferences: _containers.RepeatedCompositeFieldContainer[NotificationPreference]
    def __init__(self, preferences: _Optional[_Iterable[_Union[NotificationPreference, _Mapping]]] = ...) -> None: ...

class UpdateNotificationPreferencesRequest(_message.Message):
    __slots__ = ("preferences",)
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    preferences: _containers.RepeatedCompositeFieldContainer[NotificationPreference]
    def __init__(self, preferences: _Optional[_Iterable[_Union[NotificationPreference, _Mapping]]] = ...) -> None: ...
