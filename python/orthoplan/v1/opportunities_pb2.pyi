import datetime

from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from orthoplan.v1 import orders_pb2 as _orders_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Payor(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYOR_UNSPECIFIED: _ClassVar[Payor]
    PRIVATE: _ClassVar[Payor]
    NHS: _ClassVar[Payor]
    INSURER: _ClassVar[Payor]

class AppointmentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    APPOINTMENT_STATUS_UNSPECIFIED: _ClassVar[AppointmentStatus]
    APPOINTMENT_BOOKED: _ClassVar[AppointmentStatus]
    APPOINTMENT_ATTENDED: _ClassVar[AppointmentStatus]
    APPOINTMENT_CANCELLED: _ClassVar[AppointmentStatus]
    APPOINTMENT_MISSED: _ClassVar[AppointmentStatus]

class ImportKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_KIND_UNSPECIFIED: _ClassVar[ImportKind]
    COURSES: _ClassVar[ImportKind]
    APPOINTMENTS: _ClassVar[ImportKind]

class OpportunityStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OPPORTUNITY_STATUS_UNSPECIFIED: _ClassVar[OpportunityStatus]
    OPPORTUNITY_NEW: _ClassVar[OpportunityStatus]
    OPPORTUNITY_ASSIGNED: _ClassVar[OpportunityStatus]
    OPPORTUNITY_CONTACTED: _ClassVar[OpportunityStatus]
    OPPORTUNITY_SNOOZED: _ClassVar[OpportunityStatus]
    OPPORTUNITY_REJECTED: _ClassVar[OpportunityStatus]

class ContactChannel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_CHANNEL_UNSPECIFIED: _ClassVar[ContactChannel]
    EMAIL: _ClassVar[ContactChannel]
    SMS: _ClassVar[ContactChannel]
PAYOR_UNSPECIFIED: Payor
PRIVATE: Payor
NHS: Payor
INSURER: Payor
APPOINTMENT_STATUS_UNSPECIFIED: AppointmentStatus
APPOINTMENT_BOOKED: AppointmentStatus
APPOINTMENT_ATTENDED: AppointmentStatus
APPOINTMENT_CANCELLED: AppointmentStatus
APPOINTMENT_MISSED: AppointmentStatus
IMPORT_KIND_UNSPECIFIED: ImportKind
COURSES: ImportKind
APPOINTMENTS: ImportKind
OPPORTUNITY_STATUS_UNSPECIFIED: OpportunityStatus
OPPORTUNITY_NEW: OpportunityStatus
OPPORTUNITY_ASSIGNED: OpportunityStatus
OPPORTUNITY_CONTACTED: OpportunityStatus
OPPORTUNITY_SNOOZED: OpportunityStatus
OPPORTUNITY_REJECTED: OpportunityStatus
CONTACT_CHANNEL_UNSPECIFIED: ContactChannel
EMAIL: ContactChannel
SMS: ContactChannel

class CourseOfTreatment(_message.Message):
    __slots__ = ("id", "patient_id", "provider_id", "location_id", "number", "payor", "opened_date", "active", "value", "uda_value", "etag", "update_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    NUMBER_FIELD_NUMBER: _ClassVar[int]
    PAYOR_FIELD_NUMBER: _ClassVar[int]
    OPENED_DATE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    UDA_VALUE_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    id: str
    patient_id: str
    provider_id: str
    location_id: str
    number: str
    payor: Payor
    opened_date: str
    active: bool
    value: _orders_pb2.Money
    uda_value: float
    etag: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., patient_id: _Optional[str] = ..., provider_id: _Optional[str] = ..., location_id: _Optional[str] = ..., number: _Optional[str] = ..., payor: _Optional[_Union[Payor, str]] = ..., opened_date: _Optional[str] = ..., active: _Optional[bool] = ..., value: _Optional[_Union[_orders_pb2.Money, _Mapping]] = ..., uda_value: _Optional[float] = ..., etag: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Appointment(_message.Message):
    __slots__ = ("id", "patient_id", "start_time", "status", "type", "course_id", "location_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    LOCATION_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    patient_id: str
    start_time: _timestamp_pb2.Timestamp
    status: AppointmentStatus
    type: str
    course_id: str
    location_id: str
    def __init__(self, id: _Optional[str] = ..., patient_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[_Union[AppointmentStatus, str]] = ..., type: _Optional[str] = ..., course_id: _Optional[str] = ..., location_id: _Optional[str] = ...) -> None: ...

class CreateCourseRequest(_message.Message):
    __slots__ = ("course", "request_id")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    course: CourseOfTreatment
    request_id: str
    def __init__(self, course: _Optional[_Union[CourseOfTreatment, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateCourseRequest(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: CourseOfTreatment
    def __init__(self, course: _Optional[_Union[CourseOfTreatment, _Mapping]] = ...) -> None: ...

class ListCoursesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListCoursesResponse(_message.Message):
    __slots__ = ("courses", "next_page_token")
    COURSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    courses: _containers.RepeatedCompositeFieldContainer[CourseOfTreatment]
    next_page_token: str
    def __init__(self, courses: _Optional[_Iterable[_Union[CourseOfTreatment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateAppointmentRequest(_message.Message):
    __slots__ = ("appointment", "request_id")
    APPOINTMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    appointment: Appointment
    request_id: str
    def __init__(self, appointment: _Optional[_Union[Appointment, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateAppointmentRequest(_message.Message):
    __slots__ = ("appointment",)
    APPOINTMENT_FIELD_NUMBER: _ClassVar[int]
    appointment: Appointment
    def __init__(self, appointment: _Optional[_Union[Appointment, _Mapping]] = ...) -> None: ...

class DeleteAppointmentRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListAppointmentsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ...) -> None: ...

class ListAppointmentsResponse(_message.Message):
    __slots__ = ("appointments", "next_page_token")
    APPOINTMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    appointments: _containers.RepeatedCompositeFieldContainer[Appointment]
    next_page_token: str
    def __init__(self, appointments: _Optional[_Iterable[_Union[Appointment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ImportRequest(_message.Message):
    __slots__ = ("kind", "csv")
    KIND_FIELD_NUMBER: _ClassVar[int]
    CSV_FIELD_NUMBER: _ClassVar[int]
    kind: ImportKind
    csv: bytes
    def __init__(self, kind: _Optional[_Union[ImportKind, str]] = ..., csv: _Optional[bytes] = ...) -> None: ...

class ImportResponse(_message.Message):
    __slots__ = ("created", "updated")
    CREATED_FIELD_NUMBER: _ClassVar[int]
    UPDATED_FIELD_NUMBER: _ClassVar[int]
    created: int
    updated: int
    def __init__(self, created: _Optional[int] = ..., updated: _Optional[int] = ...) -> None: ...

class Opportunity(_message.Message):
    __slots__ = ("course_id", "course_number", "patient_id", "patient_name", "patient_email", "patient_mobile", "provider_id", "provider_initials", "payor", "last_updated", "status", "assignee_id", "assignee_name", "value", "uda_value", "snoozed_until", "opened_date")
    COURSE_ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PATIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PATIENT_NAME_FIELD_NUMBER: _ClassVar[int]
    PATIENT_EMAIL_FIELD_NUMBER: _ClassVar[int]
    PATIENT_MOBILE_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_ID_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_INITIALS_FIELD_NUMBER: _ClassVar[int]
    PAYOR_FIELD_NUMBER: _ClassVar[int]
    LAST_UPDATED_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_ID_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    UDA_VALUE_FIELD_NUMBER: _ClassVar[int]
    SNOOZED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    OPENED_DATE_FIELD_NUMBER: _ClassVar[int]
    course_id: str
    course_number: str
    patient_id: str
    patient_name: str
    patient_email: str
    patient_mobile: str
    provider_id: str
    provider_initials: str
    payor: Payor
    last_updated: _timestamp_pb2.Timestamp
    status: OpportunityStatus
    assignee_id: str
    assignee_name: str
    value: _orders_pb2.Money
    uda_value: float
    snoozed_until: _timestamp_pb2.Timestamp
    opened_date: str
    def __init__(self, course_id: _Optional[str] = ..., course_number: _Optional[str] = ..., patient_id: _Optional[str] = ..., patient_name: _Optional[str] = ..., patient_email: _Optional[str] = ..., patient_mobile: _Optional[str] = ..., provider_id: _Optional[str] = ..., provider_initials: _Optional[str] = ..., payor: _Optional[_Union[Payor, str]] = ..., last_updated: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., status: _Optional[_Union[OpportunityStatus, str]] = ..., assignee_id: _Optional[str] = ..., assignee_name: _Optional[str] = ..., value: _Optional[_Union[_orders_pb2.Money, _Mapping]] = ..., uda_value: _Optional[float] = ..., snoozed_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., opened_date: _Optional[str] = ...) -> None: ...

class ListOpportunitiesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "filter", "order_by", "include_rejected", "include_snoozed", "min_value_minor", "max_value_minor")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    ORDER_BY_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REJECTED_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_SNOOZED_FIELD_NUMBER: _ClassVar[int]
    MIN_VALUE_MINOR_FIELD_NUMBER: _ClassVar[int]
    MAX_VALUE_MINOR_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    filter: str
    order_by: str
    include_rejected: bool
    include_snoozed: bool
    min_value_minor: int
    max_value_minor: int
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., filter: _Optional[str] = ..., order_by: _Optional[str] = ..., include_rejected: _Optional[bool] = ..., include_snoozed: _Optional[bool] = ..., min_value_minor: _Optional[int] = ..., max_value_minor: _Optional[int] = ...) -> None: ...

class ListOpportunitiesResponse(_message.Message):
    __slots__ = ("opportunities", "next_page_token")
    OPPORTUNITIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    opportunities: _containers.RepeatedCompositeFieldContainer[Opportunity]
    next_page_token: str
    def __init__(self, opportunities: _Optional[_Iterable[_Union[Opportunity, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RejectAction(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SnoozeAction(_message.Message):
    __slots__ = ("until",)
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    until: _timestamp_pb2.Timestamp
    def __init__(self, until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AssignAction(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class NoteAction(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class PhoneAction(_message.Message):
    __slots__ = ("outcome",)
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    outcome: str
    def __init__(self, outcome: _Optional[str] = ...) -> None: ...

class BookAction(_message.Message):
    __slots__ = ("start_time", "type")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    type: str
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., type: _Optional[str] = ...) -> None: ...

class ContactAction(_message.Message):
    __slots__ = ("template_id", "booking_link")
    TEMPLATE_ID_FIELD_NUMBER: _ClassVar[int]
    BOOKING_LINK_FIELD_NUMBER: _ClassVar[int]
    template_id: str
    booking_link: str
    def __init__(self, template_id: _Optional[str] = ..., booking_link: _Optional[str] = ...) -> None: ...

class ActOnOpportunitiesRequest(_message.Message):
    __slots__ = ("course_ids", "reject", "snooze", "assign", "note", "phone", "book", "contact", "request_id")
    COURSE_IDS_FIELD_NUMBER: _ClassVar[int]
    REJECT_FIELD_NUMBER: _ClassVar[int]
    SNOOZE_FIELD_NUMBER: _ClassVar[int]
    ASSIGN_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    BOOK_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    course_ids: _containers.RepeatedScalarFieldContainer[str]
    reject: RejectAction
    snooze: SnoozeAction
    assign: AssignAction
    note: NoteAction
    phone: PhoneAction
    book: BookAction
    contact: ContactAction
    request_id: str
    def __init__(self, course_ids: _Optional[_Iterable[str]] = ..., reject: _Optional[_Union[RejectAction, _Mapping]] = ..., snooze: _Optional[_Union[SnoozeAction, _Mapping]] = ..., assign: _Optional[_Union[AssignAction, _Mapping]] = ..., note: _Optional[_Union[NoteAction, _Mapping]] = ..., phone: _Optional[_Union[PhoneAction, _Mapping]] = ..., book: _Optional[_Union[BookAction, _Mapping]] = ..., contact: _Optional[_Union[ContactAction, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class ActOnOpportunitiesResponse(_message.Message):
    __slots__ = ("opportunities",)
    OPPORTUNITIES_FIELD_NUMBER: _ClassVar[int]
    opportunities: _containers.RepeatedCompositeFieldContainer[Opportunity]
    def __init__(self, opportunities: _Optional[_Iterable[_Union[Opportunity, _Mapping]]] = ...) -> None: ...

class ContactTemplate(_message.Message):
    __slots__ = ("id", "name", "channel", "subject", "body")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    channel: ContactChannel
    subject: str
    body: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., channel: _Optional[_Union[ContactChannel, str]] = ..., subject: _Optional[str] = ..., body: _Optional[str] = ...) -> None: ...

class CreateContactTemplateRequest(_message.Message):
    __slots__ = ("template",)
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    template: ContactTemplate
    def __init__(self, template: _Optional[_Union[ContactTemplate, _Mapping]] = ...) -> None: ...

class ListContactTemplatesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListContactTemplatesResponse(_message.Message):
    __slots__ = ("templates",)
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedCompositeFieldContainer[ContactTemplate]
    def __init__(self, templates: _Optional[_Iterable[_Union[ContactTemplate, _Mapping]]] = ...) -> None: ...

class GetNeedsActionCountRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class NeedsActionCount(_message.Message):
    __slots__ = ("count",)
    COUNT_FIELD_NUMBER: _ClassVar[int]
    count: int
    def __init__(self, count: _Optional[int] = ...) -> None: ...

class OpportunitySettings(_message.Message):
    __slots__ = ("window_days", "lookahead_days")
    WINDOW_DAYS_FIELD_NUMBER: _ClassVar[int]
    LOOKAHEAD_DAYS_FIELD_NUMBER: _ClassVar[int]
    window_days: int
    lookahead_days: int
    def __init__(self, window_days: _Optional[int] = ..., lookahead_days: _Optional[int] = ...) -> None: ...

class GetOpportunitySettingsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UpdateOpportunitySettingsRequest(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: OpportunitySettings
    def __init__(self, settings: _Optional[_Union[OpportunitySettings, _Mapping]] = ...) -> None: ...
