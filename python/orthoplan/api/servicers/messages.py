"""MessageService (a case's thread) and EventService (live, resumable event streams)."""

from __future__ import annotations

import threading

import grpc

from ...domain.errors import InvalidArgument, NotFound, ResourceExhausted, Unavailable, Violation
from ...services import access, auth, events, messages
from ...services import validate as v
from ...services.deps import utc_now
from ...v1 import messages_pb2 as mpb
from ...v1 import messages_pb2_grpc as mpb_grpc
from .. import convert
from ..context import Runtime, bearer_token, mutate, principal, read


class MessageServicer(mpb_grpc.MessageServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    def PostMessage(self, request, context):
        def body(uow, p):
            row = messages.post_message(uow, self.rt.deps, p, request.case_id, request.text, request.language)
            return convert.message(row, messages.display_name(uow.session, p.user_id))
        return mutate(self.rt, "PostMessage", request, request.request_id, body, mpb.Message)

    def ListMessages(self, request, context):
        def body(uow, p):
            rows, nxt, marker = messages.list_messages(uow, p, request.case_id, request.page_size,
                                                       request.page_token, request.filter, request.order_by)
            return mpb.ListMessagesResponse(messages=[convert.message(r, n) for r, n in rows], next_page_token=nxt,
                                            last_read_id=marker)
        return read(self.rt, body)

    def MarkMessagesRead(self, request, context):
        def body(uow, p):
            marker, unread = messages.mark_read(uow, self.rt.deps, p, request.case_id, request.up_to_id)
            return mpb.MarkMessagesReadResponse(last_read_id=marker, unread_messages=unread)
        return mutate(self.rt, "MarkMessagesRead", request, "", body, mpb.MarkMessagesReadResponse)

    def TranslateMessage(self, request, context):
        def body(uow, p):
            row, text = messages.translate(uow, self.rt.deps, p, request.id, request.target_language)
            return mpb.TranslateMessageResponse(id=row.id, source_language=row.language,
                                                target_language=request.target_language, text=text)
        return read(self.rt, body)


class EventServicer(mpb_grpc.EventServiceServicer):
    """Each open stream holds one server thread, waiting on its subscription (no database
    connection is held while it waits). `max_streams` bounds them so that unary calls always keep
    their own threads."""

    def __init__(self, rt: Runtime, hub, *, max_streams: int, heartbeat_s: float):
        self.rt, self.hub = rt, hub
        self.heartbeat_s = heartbeat_s
        self.slots = threading.BoundedSemaphore(max_streams)
        self.max_streams = max_streams

    def _topic(self, request, p) -> str:
        if request.after_seq < 0:
            raise InvalidArgument("after_seq: invalid", [Violation("after_seq", "must be >= 0")])
        if not request.case_id:
            return events.user_topic(p.user_id)
        v.require_id("case_id", request.case_id)
        with self.rt.uow() as uow:
            access.visible_case(uow.session, p, request.case_id)
        return events.case_topic(request.case_id)

    def _still_allowed(self, token: str, case_id: str) -> None:
        """On each heartbeat: the session is still valid (this also keeps it from idling out while
        the stream is open) and the case still visible."""
        with self.rt.uow() as uow:
            p = auth.authenticate(uow, self.rt.deps, token)
            if case_id:
                access.visible_case(uow.session, p, case_id)

    def Subscribe(self, request, context):
        p = principal()
        topic = self._topic(request, p)
        token = bearer_token(context.invocation_metadata())
        if not self.slots.acquire(blocking=False):
            raise ResourceExhausted(f"this server holds its maximum of {self.max_streams} event streams; "
                                    "retry later or on another server")
        try:
            sub = self.hub.subscribe(topic, request.after_seq, from_now=request.from_now)
        except RuntimeError:
            self.slots.release()
            raise Unavailable("the server is shutting down; resume on another") from None
        context.add_callback(sub.close)  # the client went away: free this thread at once
        try:
            if request.from_now:
                yield mpb.Event(topic=topic, seq=sub.next - 1, time=convert.ts(utc_now()), heartbeat=mpb.Heartbeat())
            while True:
                rows = sub.take(self.heartbeat_s, self.hub.fetch)
                if rows is None:
                    if self.hub.closed:
                        context.abort(grpc.StatusCode.UNAVAILABLE,
                                      f"the server is shutting down; resume with after_seq={sub.next - 1}")
                    return
                if not rows:
                    try:
                        self._still_allowed(token, request.case_id)
                    except NotFound:
                        raise NotFound(f"case {request.case_id} not found") from None
                    yield mpb.Event(topic=topic, seq=sub.next - 1, time=convert.ts(utc_now()),
                                    heartbeat=mpb.Heartbeat())
                    continue
                for row in rows:
                    yield convert.event_bytes(row)  # sent as is (see the interceptor)
        finally:
            self.hub.unsubscribe(sub)
            self.slots.release()
