from orthoplan.v1 import orders_pb2 as _orders_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MetricsGrouping(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    METRICS_GROUPING_UNSPECIFIED: _ClassVar[MetricsGrouping]
    BY_ORGANIZATION: _ClassVar[MetricsGrouping]
    BY_REGION: _ClassVar[MetricsGrouping]
    BY_LOCATION: _ClassVar[MetricsGrouping]
    BY_PROVIDER: _ClassVar[MetricsGrouping]
METRICS_GROUPING_UNSPECIFIED: MetricsGrouping
BY_ORGANIZATION: MetricsGrouping
BY_REGION: MetricsGrouping
BY_LOCATION: MetricsGrouping
BY_PROVIDER: MetricsGrouping

class GetPracticeMetricsRequest(_message.Message):
    __slots__ = ("from_date", "to_date", "group_by")
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    from_date: str
    to_date: str
    group_by: MetricsGrouping
    def __init__(self, from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., group_by: _Optional[_Union[MetricsGrouping, str]] = ...) -> None: ...

class MonthCount(_message.Message):
    __slots__ = ("month", "cases")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    CASES_FIELD_NUMBER: _ClassVar[int]
    month: str
    cases: int
    def __init__(self, month: _Optional[str] = ..., cases: _Optional[int] = ...) -> None: ...

class MetricsRow(_message.Message):
    __slots__ = ("group_id", "group_name", "approved_cases", "turnaround_median_days", "turnaround_p90_days", "revisions_per_case", "waiting_for_setup", "case_acceptance", "refinements_per_case", "cases_per_month", "packs_made", "packs_sent", "pack_acceptance", "opportunity_value_recovered")
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_NAME_FIELD_NUMBER: _ClassVar[int]
    APPROVED_CASES_FIELD_NUMBER: _ClassVar[int]
    TURNAROUND_MEDIAN_DAYS_FIELD_NUMBER: _ClassVar[int]
    TURNAROUND_P90_DAYS_FIELD_NUMBER: _ClassVar[int]
    REVISIONS_PER_CASE_FIELD_NUMBER: _ClassVar[int]
    WAITING_FOR_SETUP_FIELD_NUMBER: _ClassVar[int]
    CASE_ACCEPTANCE_FIELD_NUMBER: _ClassVar[int]
    REFINEMENTS_PER_CASE_FIELD_NUMBER: _ClassVar[int]
    CASES_PER_MONTH_FIELD_NUMBER: _ClassVar[int]
    PACKS_MADE_FIELD_NUMBER: _ClassVar[int]
    PACKS_SENT_FIELD_NUMBER: _ClassVar[int]
    PACK_ACCEPTANCE_FIELD_NUMBER: _ClassVar[int]
    OPPORTUNITY_VALUE_RECOVERED_FIELD_NUMBER: _ClassVar[int]
    group_id: str
    group_name: str
    approved_cases: int
    turnaround_median_days: float
    turnaround_p90_days: float
    revisions_per_case: float
    waiting_for_setup: int
    case_acceptance: float
    refinements_per_case: float
    cases_per_month: _containers.RepeatedCompositeFieldContainer[MonthCount]
    packs_made: int
    packs_sent: int
    pack_acceptance: float
    opportunity_value_recovered: _orders_pb2.Money
    def __init__(self, group_id: _Optional[str] = ..., group_name: _Optional[str] = ..., approved_cases: _Optional[int] = ..., turnaround_median_days: _Optional[float] = ..., turnaround_p90_days: _Optional[float] = ..., revisions_per_case: _Optional[float] = ..., waiting_for_setup: _Optional[int] = ..., case_acceptance: _Optional[float] = ..., refinements_per_case: _Optional[float] = ..., cases_per_month: _Optional[_Iterable[_Union[MonthCount, _Mapping]]] = ..., packs_made: _Optional[int] = ..., packs_sent: _Optional[int] = ..., pack_acceptance: _Optional[float] = ..., opportunity_value_recovered: _Optional[_Union[_orders_pb2.Money, _Mapping]] = ...) -> None: ...

class PracticeMetrics(_message.Message):
    __slots__ = ("rows",)
    ROWS_FIELD_NUMBER: _ClassVar[int]
    rows: _containers.RepeatedCompositeFieldContainer[MetricsRow]
    def __init__(self, rows: _Optional[_Iterable[_Union[MetricsRow, _Mapping]]] = ...) -> None: ...
