"""RecordService servicer: streamed uploads and downloads of a case's diagnostic records."""

from __future__ import annotations

from google.protobuf import empty_pb2

from ...domain.errors import InvalidArgument, Violation
from ...services import records
from ...v1 import records_pb2 as rpb
from ...v1 import records_pb2_grpc as rpb_grpc
from .. import convert
from ..context import Runtime, mutate, read


def _header(first: rpb.UploadRecordRequest | None) -> rpb.UploadRecordHeader:
    if first is None or first.WhichOneof("part") != "header":
        raise InvalidArgument("the upload starts with its header", [Violation(
            "header", "the first message of the stream must carry the header")])
    return first.header


def _chunks(stream):
    for msg in stream:
        if msg.WhichOneof("part") != "chunk":
            raise InvalidArgument("one header per upload", [Violation("header", "only the first message carries it")])
        yield msg.chunk


class RecordServicer(rpb_grpc.RecordServiceServicer):
    def __init__(self, rt: Runtime):
        self.rt = rt

    @property
    def _store(self):
        if self.rt.deps.artifacts is None:
            raise RuntimeError("no artifact store configured")
        return self.rt.deps.artifacts

    def UploadRecord(self, request_iterator, context):
        deps = self.rt.deps
        h = _header(next(request_iterator, None))
        up = records.Upload(h.case_id, h.kind, h.view, h.filename, h.taken_date, h.sha256, h.size_bytes)
        read(self.rt, lambda uow, p: records.check_upload(uow, deps, p, up))
        staged = self._store.receive(records.limited(_chunks(request_iterator), records.limit_for(deps, up.kind)))
        try:
            records.check_content(up, staged.info)
            # the idempotency digest covers the header and the content actually received
            key = rpb.UploadRecordHeader()
            key.CopyFrom(h)
            key.sha256, key.size_bytes = staged.info.sha256, staged.info.size

            def body(uow, p):
                staged.commit()  # in place before the row that refers to it can commit
                return convert.record(*records.add_record(uow, deps, p, up, staged.info))
            return mutate(self.rt, "UploadRecord", key, h.request_id, body, rpb.Record)
        finally:
            staged.discard()

    def GetRecord(self, request, context):
        return read(self.rt, lambda uow, p: convert.record(*records.get_record(uow, p, request.id)))

    def ListRecords(self, request, context):
        def body(uow, p):
            rows, nxt = records.list_records(uow, p, request.case_id, request.page_size, request.page_token,
                                             request.kind, request.filter, request.order_by)
            return rpb.ListRecordsResponse(records=[convert.record(r, a) for r, a in rows], next_page_token=nxt)
        return read(self.rt, body)

    def DownloadRecord(self, request, context):
        meta = read(self.rt, lambda uow, p: convert.record(*records.get_record(uow, p, request.id)))
        yield rpb.DownloadRecordResponse(record=meta)
        for chunk in self._store.read(meta.sha256):
            yield rpb.DownloadRecordResponse(chunk=chunk)

    def DeleteRecord(self, request, context):
        def body(uow, p):
            records.delete_record(uow, self.rt.deps, p, request.id)
            return empty_pb2.Empty()
        return mutate(self.rt, "DeleteRecord", request, "", body, empty_pb2.Empty)

