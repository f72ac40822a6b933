"""NotificationService servicer: the caller's email preferences."""

from __future__ import annotations

from ...services import notifications
from ...v1 import notifications_pb2 as npb
from ...v1 import notifications_pb2_grpc as npb_grpc
from ..context import Runtime, mutate, read


def _out(rows) -> npb.NotificationPreferences:
    return npb.NotificationPreferences(preferences=[npb.NotificationPreference(event=e, mode=int(mode))
                                                    for e, mode in rows])


class NotificationServicer(npb_grpc.NotificationServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def GetNotificationPreferences(self, request, context):
        return read(self.rt, lambda uow, p: _out(notifications.preferences(uow, p)))

    def UpdateNotificationPreferences(self, request, context):
        changes = [(x.event, x.mode) for x in request.preferences]
        return mutate(self.rt, "UpdateNotificationPreferences", request, "",
                      lambda uow, p: _out(notifications.update_preferences(uow, p, changes)),
                      npb.NotificationPreferences)
