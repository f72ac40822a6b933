"""Typed Python client over the gRPC API.

Calls carry the bearer token and a deadline; failures raise `ApiError` with the rich error's reason
and every field violation. Mutations that take a `request_id` get one generated per call, so the
client retries them safely when the server is briefly unavailable; reads are retried too.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status

from ..v1 import cases_pb2 as cpb
from ..v1 import cases_pb2_grpc, collaborators_pb2_grpc, identity_pb2_grpc, messages_pb2_grpc, records_pb2_grpc
from ..v1 import collaborators_pb2 as kpb
from ..v1 import identity_pb2 as ipb
from ..v1 import messages_pb2 as mpb
from ..v1 import records_pb2 as rpb

DEFAULT_TARGET = "127.0.0.1:50051"
_RETRYABLE = (grpc.StatusCode.UNAVAILABLE,)


@dataclass
class ApiError(Exception):
    """A failed call: status code, message, ErrorInfo reason, and violations by field or subject."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    violations: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        head = f"{self.code.name}: {self.message}" + (f" [{self.reason}]" if self.reason else "")
        return head + "".join(f"\n  {k}: {v}" for k, v in self.violations.items())

    @staticmethod
    def from_rpc(err: grpc.RpcError) -> ApiError:
        out = ApiError(err.code(), err.details() or "")
        status = rpc_status.from_call(err)
        for d in status.details if status else ():
            if d.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                info = error_details_pb2.ErrorInfo()
                d.Unpack(info)
                out.reason = info.reason
            elif d.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad = error_details_pb2.BadRequest()
                d.Unpack(bad)
                out.violations.update({v.field: v.description for v in bad.field_violations})
            elif d.Is(error_details_pb2.PreconditionFailure.DESCRIPTOR):
                pre = error_details_pb2.PreconditionFailure()
                d.Unpack(pre)
                out.violations.update({v.subject: v.description for v in pre.violations})
        return out


def permission_values(names: Iterable[str | int]) -> list[int]:
    """'approve', 'VIEW_CASE_DETAILS' or enum values -> CollaboratorPermission values."""
    out = []
    for n in names:
        if isinstance(n, int):
            out.append(n)
            continue
        try:
            out.append(kpb.CollaboratorPermission.Value(n.strip().upper().replace("-", "_")))
        except ValueError:
            known = ", ".join(kpb.CollaboratorPermission.keys()[1:])
            raise ValueError(f"permissions: unknown permission {n!r} (one of {known})") from None
    return out


class Client:
    """One channel, one signed-in user. `Client(target, token=...)` resumes a saved session."""

    def __init__(self, target: str = DEFAULT_TARGET, token: str | None = None, *, timeout_s: float = 30.0,
                 retries: int = 3, channel: grpc.Channel | None = None):
        self.target, self.token, self.timeout_s, self.retries = target, token, timeout_s, retries
        self._channel = channel or grpc.insecure_channel(target)
        self._auth = identity_pb2_grpc.AuthServiceStub(self._channel)
        self._org = identity_pb2_grpc.OrganizationServiceStub(self._channel)
        self._patients = cases_pb2_grpc.PatientServiceStub(self._channel)
        self._cases = cases_pb2_grpc.CaseServiceStub(self._channel)
        self._collab = collaborators_pb2_grpc.CollaboratorServiceStub(self._channel)
        self._records = records_pb2_grpc.RecordServiceStub(self._channel)
        self._messages = messages_pb2_grpc.MessageServiceStub(self._channel)
        self._events = messages_pb2_grpc.EventServiceStub(self._channel)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _call(self, method, request, *, retry: bool = True):
        """`request` is a message, or for a client stream a function that makes a fresh iterator
        (each attempt sends the whole stream again)."""
        md = [("authorization", f"Bearer {self.token}")] if self.token else []
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(attempts):
            try:
                return method(request() if callable(request) else request, metadata=md, timeout=self.timeout_s)
            except grpc.RpcError as e:
                if e.code() in _RETRYABLE and attempt + 1 < attempts:
                    time.sleep(min(2.0, 0.1 * 2 ** attempt))
                    continue
                raise ApiError.from_rpc(e) from None
        raise AssertionError("unreachable")

    def _paged(self, method, request_for, items: str) -> Iterator:
        """Follows next_page_token; `request_for(token)` builds each page's request."""
        token = ""
        while True:
            page = self._call(method, request_for(token))
            yield from getattr(page, items)
            token = page.next_page_token
            if not token:
                return

    @staticmethod
    def _rid(request_id: str | None) -> str:
        return request_id or uuid.uuid4().hex

    def health(self, *, wait_s: float = 0.0) -> str:
        """The server's overall health (SERVING, NOT_SERVING); with `wait_s`, waits that long for a
        server that is still starting."""
        stub = health_pb2_grpc.HealthStub(self._channel)
        try:
            res = stub.Check(health_pb2.HealthCheckRequest(), timeout=wait_s if wait_s > 0 else self.timeout_s,
                             wait_for_ready=wait_s > 0)
        except grpc.RpcError as e:
            raise ApiError.from_rpc(e) from None
        return health_pb2.HealthCheckResponse.ServingStatus.Name(res.status)

    # -- session ------------------------------------------------------------------------------
    def sign_in(self, email: str, password: str) -> str:
        # retried: at worst a second session is opened, unused, and expires idle
        res = self._call(self._auth.SignIn, ipb.SignInRequest(email=email, password=password))
        self.token = res.access_token
        return self.token

    def sign_out(self) -> None:
        self._call(self._auth.SignOut, ipb.SignOutRequest(), retry=False)
        self.token = None

    def me(self) -> ipb.User:
        return self._call(self._auth.GetCurrentUser, ipb.GetCurrentUserRequest())

    # -- organization -------------------------------------------------------------------------
    def create_location(self, name: str, region_id: str = "") -> ipb.Location:
        return self._call(self._org.CreateLocation, ipb.CreateLocationRequest(
            location=ipb.Location(name=name, region_id=region_id)), retry=False)

    def create_user(self, email: str, display_name: str, role: str | int, password: str,
                    location_ids: Iterable[str] = (), region_id: str = "") -> ipb.User:
        role_value = role if isinstance(role, int) else ipb.Role.Value(role.upper())
        return self._call(self._org.CreateUser, ipb.CreateUserRequest(user=ipb.User(
            email=email, display_name=display_name, role=role_value, location_ids=list(location_ids),
            region_id=region_id), password=password), retry=False)

    # -- patients and cases --------------------------------------------------------------------
    def create_patient(self, *, first_name: str, last_name: str, location_id: str, provider_id: str,
                       birth_date: str, chart_number: str, email: str = "", mobile: str = "",
                       request_id: str | None = None) -> cpb.Patient:
        return self._call(self._patients.CreatePatient, cpb.CreatePatientRequest(patient=cpb.Patient(
            first_name=first_name, last_name=last_name, birth_date=birth_date, chart_number=chart_number,
            location_id=location_id, provider_id=provider_id, email=email, mobile=mobile),
            request_id=self._rid(request_id)))

    def iter_patients(self, *, query: str = "", filter: str = "", order_by: str = "",
                      page_size: int = 100) -> Iterator[cpb.Patient]:
        """Patients in the caller's scope; `query` matches a name or chart number."""
        return self._paged(self._patients.ListPatients, lambda t: cpb.ListPatientsRequest(
            page_size=page_size, page_token=t, query=query, filter=filter, order_by=order_by), "patients")

    def create_case(self, patient_id: str, *, goals: str = "", arches: Iterable[str] = (),
                    ipr_allowed: bool = False, attachments_allowed: bool = False, kind: int = cpb.ALIGNER,
                    request_id: str | None = None) -> cpb.Case:
        rx = cpb.Prescription(goals=goals, arches=list(arches), ipr_allowed=ipr_allowed,
                              attachments_allowed=attachments_allowed)
        return self._call(self._cases.CreateCase, cpb.CreateCaseRequest(
            case=cpb.Case(kind=kind, patient_id=patient_id, prescription=rx), request_id=self._rid(request_id)))

    def get_case(self, case_id: str) -> cpb.Case:
        return self._call(self._cases.GetCase, cpb.GetCaseRequest(id=case_id))

    def iter_cases(self, *, filter: str = "", order_by: str = "", page_size: int = 100, shared: bool = False,
                   query: str = "") -> Iterator[cpb.Case]:
        """Every case the caller sees (or, `shared`, the collaborator dashboard), page by page."""
        if shared:
            return self._paged(self._collab.ListSharedCases, lambda t: kpb.ListSharedCasesRequest(
                page_size=page_size, page_token=t, filter=filter, order_by=order_by, query=query), "cases")
        return self._paged(self._cases.ListCases, lambda t: cpb.ListCasesRequest(
            page_size=page_size, page_token=t, filter=filter, order_by=order_by, query=query), "cases")

    def transition_case(self, name: str, case_id: str, *, etag: str = "", reason: str = "",
                        request_id: str | None = None) -> cpb.Case:
        """`name`: submit, accept, cancel or close."""
        methods = {"submit": self._cases.SubmitCase, "accept": self._cases.AcceptCase,
                   "cancel": self._cases.CancelCase, "close": self._cases.CloseCase}
        if name not in methods:
            raise ValueError(f"name: {name!r} is not one of {', '.join(methods)}")
        return self._call(methods[name], cpb.TransitionCaseRequest(
            id=case_id, etag=etag, reason=reason, request_id=self._rid(request_id)))

    # -- collaborators -------------------------------------------------------------------------
    def add_collaborator(self, email: str, permissions: Iterable[str | int] = (), *,
                         confirm_consent: bool = False, request_id: str | None = None) -> kpb.Collaborator:
        return self._call(self._collab.AddCollaborator, kpb.AddCollaboratorRequest(
            email=email, permissions=permission_values(permissions), confirm_consent=confirm_consent,
            request_id=self._rid(request_id)))

    def iter_collaborators(self, *, as_collaborator: bool = False, filter: str = "", order_by: str = "",
                           page_size: int = 100) -> Iterator[kpb.Collaborator]:
        return self._paged(self._collab.ListCollaborators, lambda t: kpb.ListCollaboratorsRequest(
            page_size=page_size, page_token=t, as_collaborator=as_collaborator, filter=filter,
            order_by=order_by), "collaborators")

    def update_collaborator(self, collaborator_id: str, permissions: Iterable[str | int], *,
                            etag: str = "") -> kpb.Collaborator:
        return self._call(self._collab.UpdateCollaborator, kpb.UpdateCollaboratorRequest(
            id=collaborator_id, etag=etag, permissions=permission_values(permissions)), retry=False)

    def collaborator_action(self, name: str, collaborator_id: str, *, etag: str = "",
                            request_id: str | None = None) -> kpb.Collaborator:
        """`name`: remove, accept or decline."""
        methods = {"remove": self._collab.RemoveCollaborator, "accept": self._collab.AcceptCollaboration,
                   "decline": self._collab.DeclineCollaboration}
        if name not in methods:
            raise ValueError(f"name: {name!r} is not one of {', '.join(methods)}")
        return self._call(methods[name], kpb.CollaboratorActionRequest(
            id=collaborator_id, etag=etag, request_id=self._rid(request_id)))

    def share_case(self, collaborator_id: str, case_id: str) -> kpb.CaseShare:
        # sharing is idempotent on the server, so a retry is safe without a request id
        return self._call(self._collab.ShareCase, kpb.ShareCaseRequest(collaborator_id=collaborator_id,
                                                                       case_id=case_id))

    def unshare_case(self, collaborator_id: str, case_id: str) -> None:
        self._call(self._collab.UnshareCase, kpb.ShareCaseRequest(collaborator_id=collaborator_id,
                                                                  case_id=case_id))

    def register_collaborator(self, invite_token: str, *, organization_name: str, display_name: str,
                              password: str) -> kpb.RegisterCollaboratorResponse:
        return self._call(self._collab.RegisterCollaborator, kpb.RegisterCollaboratorRequest(
            invite_token=invite_token, organization_name=organization_name, display_name=display_name,
            password=password), retry=False)

    # -- records -------------------------------------------------------------------------------
    def upload_record(self, case_id: str, path: str | Path, kind: str | int, *, view: str | int = 0,
                      taken_date: str = "", request_id: str | None = None, chunk_size: int = 1 << 20) -> rpb.Record:
        """Streams a file to the case. The file is hashed first and the server checks the hash, so a
        file changed while uploading is refused rather than stored half-old."""
        path = Path(path)
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as f:
            while chunk := f.read(chunk_size):
                digest.update(chunk)
                size += len(chunk)
        header = rpb.UploadRecordHeader(case_id=case_id, kind=_enum(rpb.RecordKind, "kind", kind),
                                        view=_enum(rpb.PhotoView, "view", view), filename=path.name,
                                        taken_date=taken_date, sha256=digest.hexdigest(), size_bytes=size,
                                        request_id=self._rid(request_id))

        def messages():
            yield rpb.UploadRecordRequest(header=header)
            with open(path, "rb") as f:
                while chunk := f.read(chunk_size):
                    yield rpb.UploadRecordRequest(chunk=chunk)
        return self._call(self._records.UploadRecord, messages)

    def iter_records(self, case_id: str, *, kind: str | int = 0, filter: str = "", order_by: str = "",
                     page_size: int = 100) -> Iterator[rpb.Record]:
        k = _enum(rpb.RecordKind, "kind", kind)
        return self._paged(self._records.ListRecords, lambda t: rpb.ListRecordsRequest(
            case_id=case_id, kind=k, page_size=page_size, page_token=t, filter=filter, order_by=order_by),
            "records")

    def download_record(self, record_id: str, dest: str | Path) -> rpb.Record:
        """Writes the content to `dest` (a folder: the record's file name in it). The file appears
        only once the whole stream arrived and verified."""
        md = [("authorization", f"Bearer {self.token}")] if self.token else []
        dest, part = Path(dest), None
        stream = self._records.DownloadRecord(rpb.DownloadRecordRequest(id=record_id), metadata=md,
                                              timeout=self.timeout_s)
        try:
            record = next(stream).record
            if dest.is_dir():
                dest = dest / (record.filename or record.id)
            part = dest.with_name(dest.name + ".part")
            with open(part, "wb") as f:
                for msg in stream:
                    f.write(msg.chunk)
            os.replace(part, dest)
            return record
        except grpc.RpcError as e:
            if part is not None:
                part.unlink(missing_ok=True)
            raise ApiError.from_rpc(e) from None


    # -- messages and live events ----------------------------------------------------------------
    def post_message(self, case_id: str, text: str, *, language: str = "",
                     request_id: str | None = None) -> mpb.Message:
        return self._call(self._messages.PostMessage, mpb.PostMessageRequest(
            case_id=case_id, text=text, language=language, request_id=self._rid(request_id)))

    def iter_messages(self, case_id: str, *, filter: str = "", order_by: str = "",
                      page_size: int = 100) -> Iterator[mpb.Message]:
        return self._paged(self._messages.ListMessages, lambda t: mpb.ListMessagesRequest(
            case_id=case_id, page_size=page_size, page_token=t, filter=filter, order_by=order_by), "messages")

    def mark_read(self, case_id: str, up_to_id: int = 0) -> mpb.MarkMessagesReadResponse:
        return self._call(self._messages.MarkMessagesRead, mpb.MarkMessagesReadRequest(case_id=case_id,
                                                                                         up_to_id=up_to_id))

    def events(self, case_id: str = "", *, after_seq: int = 0, from_now: bool = False,
               heartbeats: bool = False, max_backoff_s: float = 10.0) -> Iterator[mpb.Event]:
        """A case's events (or, without `case_id`, the caller's own), for ever. When the stream
        drops (a restart, a move to another server, the network) it resubscribes after the last
        event it yielded, so every event comes exactly once and in order. Errors other than
        UNAVAILABLE end it with ApiError. Close it with `.close()` on the generator."""
        md = [("authorization", f"Bearer {self.token}")] if self.token else []
        last, backoff = after_seq, 0.1
        while True:
            call = self._events.Subscribe(mpb.SubscribeRequest(case_id=case_id, after_seq=last, from_now=from_now),
                                          metadata=md)
            try:
                for ev in call:
                    backoff = 0.1
                    if ev.WhichOneof("kind") == "heartbeat":
                        if from_now:  # the position to resume from, should the stream drop
                            last, from_now = ev.seq, False
                        if heartbeats:
                            yield ev
                        continue
                    last, from_now = ev.seq, False
                    yield ev
            except grpc.RpcError as e:
                if e.code() not in _RETRYABLE:
                    raise ApiError.from_rpc(e) from None
            finally:
                call.cancel()
            time.sleep(backoff)
            backoff = min(max_backoff_s, backoff * 2)


def _enum(enum, arg: str, value: str | int) -> int:
    """'upper-scan', 'UPPER_SCAN' or a value -> the enum's value; ValueError names the argument."""
    if isinstance(value, int):
        return value
    try:
        return enum.Value(value.strip().upper().replace("-", "_"))
    except ValueError:
        raise ValueError(f"{arg}: unknown value {value!r} (one of {', '.join(enum.keys()[1:])})") from None
