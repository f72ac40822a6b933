import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from orthoplan.v1 import setups_pb2 as _setups_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PlanState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLAN_STATE_UNSPECIFIED: _ClassVar[PlanState]
    PLAN_QUEUED: _ClassVar[PlanState]
    PLAN_RUNNING: _ClassVar[PlanState]
    PLAN_SUCCEEDED: _ClassVar[PlanState]
    PLAN_FAILED: _ClassVar[PlanState]
    PLAN_CANCELLED: _ClassVar[PlanState]

class StagingPattern(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STAGING_PATTERN_UNSPECIFIED: _ClassVar[StagingPattern]
    STAGING_SIMULTANEOUS: _ClassVar[StagingPattern]
    STAGING_SEQUENTIAL_DISTALIZATION: _ClassVar[StagingPattern]
PLAN_STATE_UNSPECIFIED: PlanState
PLAN_QUEUED: PlanState
PLAN_RUNNING: PlanState
PLAN_SUCCEEDED: PlanState
PLAN_FAILED: PlanState
PLAN_CANCELLED: PlanState
STAGING_PATTERN_UNSPECIFIED: StagingPattern
STAGING_SIMULTANEOUS: StagingPattern
STAGING_SEQUENTIAL_DISTALIZATION: StagingPattern

class ToothTarget(_message.Message):
    __slots__ = ("fdi", "mesial", "buccal", "extrusion", "rotation", "tip", "torque")
    FDI_FIELD_NUMBER: _ClassVar[int]
    MESIAL_FIELD_NUMBER: _ClassVar[int]
    BUCCAL_FIELD_NUMBER: _ClassVar[int]
    EXTRUSION_FIELD_NUMBER: _ClassVar[int]
    ROTATION_FIELD_NUMBER: _ClassVar[int]
    TIP_FIELD_NUMBER: _ClassVar[int]
    TORQUE_FIELD_NUMBER: _ClassVar[int]
    fdi: int
    mesial: float
    buccal: float
    extrusion: float
    rotation: float
    tip: float
    torque: float
    def __init__(self, fdi: _Optional[int] = ..., mesial: _Optional[float] = ..., buccal: _Optional[float] = ..., extrusion: _Optional[float] = ..., rotation: _Optional[float] = ..., tip: _Optional[float] = ..., torque: _Optional[float] = ...) -> None: ...

class LimitOverride(_message.Message):
    __slots__ = ("tooth_type", "component", "value")
    TOOTH_TYPE_FIELD_NUMBER: _ClassVar[int]
    COMPONENT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    tooth_type: str
    component: str
    value: float
    def __init__(self, tooth_type: _Optional[str] = ..., component: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...

class StagingPolicy(_message.Message):
    __slots__ = ("overrides", "collision_tolerance", "pattern", "start", "overcorrection")
    class StartEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: int
        value: int
        def __init__(self, key: _Optional[int] = ..., value: _Optional[int] = ...) -> None: ...
    OVERRIDES_FIELD_NUMBER: _ClassVar[int]
    COLLISION_TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    OVERCORRECTION_FIELD_NUMBER: _ClassVar[int]
    overrides: _containers.RepeatedCompositeFieldContainer[LimitOverride]
    collision_tolerance: float
    pattern: StagingPattern
    start: _containers.ScalarMap[int, int]
    overcorrection: int
    def __init__(self, overrides: _Optional[_Iterable[_Union[LimitOverride, _Mapping]]] = ..., collision_tolerance: _Optional[float] = ..., pattern: _Optional[_Union[StagingPattern, str]] = ..., start: _Optional[_Mapping[int, int]] = ..., overcorrection: _Optional[int] = ...) -> None: ...

class PlanSpec(_message.Message):
    __slots__ = ("targets", "policy", "do_not_move", "ipr_allowed", "attachments_allowed")
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    DO_NOT_MOVE_FIELD_NUMBER: _ClassVar[int]
    IPR_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    targets: _containers.RepeatedCompositeFieldContainer[ToothTarget]
    policy: StagingPolicy
    do_not_move: _containers.RepeatedScalarFieldContainer[int]
    ipr_allowed: bool
    attachments_allowed: bool
    def __init__(self, targets: _Optional[_Iterable[_Union[ToothTarget, _Mapping]]] = ..., policy: _Optional[_Union[StagingPolicy, _Mapping]] = ..., do_not_move: _Optional[_Iterable[int]] = ..., ipr_allowed: _Optional[bool] = ..., attachments_allowed: _Optional[bool] = ...) -> None: ...

class PlanOutput(_message.Message):
    __slots__ = ("name", "sha256", "size")
    NAME_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    name: str
    sha256: str
    size: int
    def __init__(self, name: _Optional[str] = ..., sha256: _Optional[str] = ..., size: _Optional[int] = ...) -> None: ...

class PlanError(_message.Message):
    __slots__ = ("code", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: int
    message: str
    def __init__(self, code: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class PlanJob(_message.Message):
    __slots__ = ("id", "case_id", "state", "progress", "step", "attempts", "spec", "setup_version", "error", "outputs", "created_by", "create_time", "update_time", "cancel_requested", "kind")
    ID_FIELD_NUMBER: _ClassVar[int]
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    SETUP_VERSION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CANCEL_REQUESTED_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    id: str
    case_id: str
    state: PlanState
    progress: int
    step: str
    attempts: int
    spec: PlanSpec
    setup_version: int
    error: PlanError
    outputs: _containers.RepeatedCompositeFieldContainer[PlanOutput]
    created_by: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    cancel_requested: bool
    kind: str
    def __init__(self, id: _Optional[str] = ..., case_id: _Optional[str] = ..., state: _Optional[_Union[PlanState, str]] = ..., progress: _Optional[int] = ..., step: _Optional[str] = ..., attempts: _Optional[int] = ..., spec: _Optional[_Union[PlanSpec, _Mapping]] = ..., setup_version: _Optional[int] = ..., error: _Optional[_Union[PlanError, _Mapping]] = ..., outputs: _Optional[_Iterable[_Union[PlanOutput, _Mapping]]] = ..., created_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., cancel_requested: _Optional[bool] = ..., kind: _Optional[str] = ...) -> None: ...

class CreatePlanRequest(_message.Message):
    __slots__ = ("case_id", "spec", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    spec: PlanSpec
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., spec: _Optional[_Union[PlanSpec, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class GetPlanRequest(_message.Message):
    __slots__ = ("plan_id",)
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    def __init__(self, plan_id: _Optional[str] = ...) -> None: ...

class ListPlansRequest(_message.Message):
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

class ListPlansResponse(_message.Message):
    __slots__ = ("plans", "next_page_token")
    PLANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    plans: _containers.RepeatedCompositeFieldContainer[PlanJob]
    next_page_token: str
    def __init__(self, plans: _Optional[_Iterable[_Union[PlanJob, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelPlanRequest(_message.Message):
    __slots__ = ("plan_id",)
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    def __init__(self, plan_id: _Optional[str] = ...) -> None: ...

class WatchPlanRequest(_message.Message):
    __slots__ = ("plan_id", "after_seq")
    PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    plan_id: str
    after_seq: int
    def __init__(self, plan_id: _Optional[str] = ..., after_seq: _Optional[int] = ...) -> None: ...

class PlanEvent(_message.Message):
    __slots__ = ("seq", "time", "plan")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    seq: int
    time: _timestamp_pb2.Timestamp
    plan: PlanJob
    def __init__(self, seq: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., plan: _Optional[_Union[PlanJob, _Mapping]] = ...) -> None: ...

class EditTargetRequest(_message.Message):
    __slots__ = ("case_id", "targets", "request_id")
    CASE_ID_FIELD_NUMBER: _ClassVar[int]
    TARGETS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    case_id: str
    targets: _containers.RepeatedCompositeFieldContainer[ToothTarget]
    request_id: str
    def __init__(self, case_id: _Optional[str] = ..., targets: _Optional[_Iterable[_Union[ToothTarget, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class EditTargetResponse(_message.Message):
    __slots__ = ("plan", "restaged_in_call", "setup", "server_ms")
    PLAN_FIELD_NUMBER: _ClassVar[int]
    RESTAGED_IN_CALL_FIELD_NUMBER: _ClassVar[int]
    SETUP_FIELD_NUMBER: _ClassVar[int]
    SERVER_MS_FIELD_NUMBER: _ClassVar[int]
    plan: PlanJob
    restaged_in_call: bool
    setup: _setups_pb2.TreatmentSetup
    server_ms: float
    def __init__(self, plan: _Optional[_Union[PlanJob, _Mapping]] = ..., restaged_in_call: _Optional[bool] = ..., setup: _Optional[_Union[_setups_pb2.TreatmentSetup, _Mapping]] = ..., server_ms: _Optional[float] = ...) -> None: ...
