import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_KIND_UNSPECIFIED: _ClassVar[OrderKind]
    ALIGNERS: _ClassVar[OrderKind]
    RETAINERS: _ClassVar[OrderKind]
    REPLACEMENT_ALIGNERS: _ClassVar[OrderKind]
    TPS_OPTIMIZATION: _ClassVar[OrderKind]

class RetainerSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RETAINER_SOURCE_UNSPECIFIED: _ClassVar[RetainerSource]
    NEW_SCANS: _ClassVar[RetainerSource]
    LAST_STAGE: _ClassVar[RetainerSource]
ORDER_KIND_UNSPECIFIED: OrderKind
ALIGNERS: OrderKind
RETAINERS: OrderKind
REPLACEMENT_ALIGNERS: OrderKind
TPS_OPTIMIZATION: OrderKind
RETAINER_SOURCE_UNSPECIFIED: RetainerSource
NEW_SCANS: RetainerSource
LAST_STAGE: RetainerSource

class Money(_message.Message):
    __slots__ = ("amount_minor", "currency")
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    amount_minor: int
    currency: str
    def __init__(self, amount_minor: _Optional[int] = ..., currency: _Optional[str] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("id", "case_id", "kind", "retainer_source", "quantity", "stages", "tps_collaborator_id", "optimization_number", "price", "billed_to", "placed_by", "create_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RETAINER_SOURCE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    TPS_COLLABORATOR_ID_FIELD_NUMBER: _ClassVar[int]
    OPTIMIZATION_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    BILLED_TO_FIELD_NUMBER: _ClassVar[int]
    PLACED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    case_id: str
    kind: OrderKind
    retainer_source: RetainerSource
    quantity: int
    stages: _containers.RepeatedScalarFieldContainer[int]
    tps_collaborator_id: str
    optimization_number: int
    price: Money
    billed_to: str
    placed_by: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., case_id: _Optional[str] = ..., kind: _Optional[_Union[OrderKind, str]] = ..., retainer_source: _Optional[_Union[RetainerSource, str]] = ..., quantity: _Optional[int] = ..., stages: _Optional[_Iterable[int]] = ..., tps_collaborator_id: _Optional[str] = ..., optimization_number: _Optional[int] = ..., price: _Optional[_Union[Money, _Mapping]] = ..., billed_to: _Optional[str] = ..., placed_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PlaceOrderRequest(_message.Message):
    __slots__ = ("case_id", "kind", "retainer_source", "quantity", "stages", "tps_collaborator_id", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    RETAINER_SOURCE_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    TPS_COLLABORATOR_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    kind: OrderKind
    retainer_source: RetainerSource
    quantity: int
    stages: _containers.RepeatedScalarFieldContainer[int]
    tps_collaborator_id: str
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., kind: _Optional[_Union[OrderKind, str]] = ..., retainer_source: _Optional[_Union[RetainerSource, str]] = ..., quantity: _Optional[int] = ..., stages: _Optional[_Iterable[int]] = ..., tps_collaborator_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
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

class ListOrdersResponse(_message.Message):
    __slots__ = ("orders", "next_page_token")
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    next_page_token: str
    def __init__(self, orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class Fee(_message.Message):
    __slots__ = ("kind", "price")
    KIND_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    kind: OrderKind
    price: Money
    def __init__(self, kind: _Optional[_Union[OrderKind, str]] = ..., price: _Optional[_Union[Money, _Mapping]] = ...) -> None: ...

class FeeSchedule(_message.Message):
    __slots__ = ("fees",)
    FEES_FIELD_NUMBER: _ClassVar[int]
    fees: _containers.RepeatedCompositeFieldContainer[Fee]
    def __init__(self, fees: _Optional[_Iterable[_Union[Fee, _Mapping]]] = ...) -> None: ...

class GetFeeScheduleRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateFeeScheduleRequest(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: FeeSchedule
    def __init__(self, schedule: _Optional[_Union[FeeSchedule, _Mapping]] = ...) -> None: ...
