"""`orthoplan records`: upload a case's scans, photos and x-rays, list and download them."""

from __future__ import annotations

from pathlib import Path

import click

from ..v1 import records_pb2 as rpb
from .cli_api import Ctx, emit, run, with_ctx

RECORD_COLUMNS = ("id", "kind", "view", "filename", "content_type", "size_bytes", "create_time")
_KINDS = [k.lower().replace("_", "-") for k in rpb.RecordKind.keys()[1:]]
_VIEWS = [v.lower().replace("_", "-") for v in rpb.PhotoView.keys()[1:]]


@click.group()
def records() -> None:
    """A case's diagnostic records: scans, photos, x-rays."""


@records.command("upload")
@click.argument("case_id")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", required=True, type=click.Choice(_KINDS, case_sensitive=False))
@click.option("--view", type=click.Choice(_VIEWS, case_sensitive=False), default=None, help="for a photo")
@click.option("--taken", "taken_date", default="", help="when it was taken, YYYY-MM-DD")
@with_ctx
def record_upload(case_id, path, kind, view, taken_date, server, as_json) -> None:
    """Upload a file to a case (its type is checked by content, not by name)."""
    ctx = Ctx(server, as_json)
    emit(ctx, [run(lambda: ctx.client().upload_record(case_id, path, kind, view=view or 0,
                                                      taken_date=taken_date))], RECORD_COLUMNS + ("sha256",))


@records.command("list")
@click.argument("case_id")
@click.option("--kind", type=click.Choice(_KINDS, case_sensitive=False), default=None)
@with_ctx
def record_list(case_id: str, kind: str | None, server: str | None, as_json: bool) -> None:
    """List a case's records, newest first."""
    ctx = Ctx(server, as_json)
    emit(ctx, run(lambda: list(ctx.client().iter_records(case_id, kind=kind or 0))), RECORD_COLUMNS)


@records.command("download")
@click.argument("record_id")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("."),
              help="file or folder (default: the current folder, under the uploaded name)")
@with_ctx
def record_download(record_id: str, output: Path, server: str | None, as_json: bool) -> None:
    """Download a record's content (written only once it arrived whole and verified)."""
    ctx = Ctx(server, as_json)
    rec = run(lambda: ctx.client().download_record(record_id, output))
    if as_json:
        emit(ctx, [rec], ())
        return
    target = output / (rec.filename or rec.id) if output.is_dir() else output
    click.echo(f"wrote {rec.size_bytes} bytes to {target} (sha256 {rec.sha256})")
