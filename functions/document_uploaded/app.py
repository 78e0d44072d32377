"""DocumentUploadedFunction: an object under uploads/<memberId>/<caseOrApplicationId>/<file>
is attached to that open audit case or recertification application; otherwise it
is recorded as rejected with DOCUMENT_UPLOAD_NOT_ALLOWED (R15) and left where it is.

Each object (key and version) is recorded once, so a repeated S3 event changes nothing.
No file names or member data go to the logs, only counts and codes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from staycertified.observability import logger, metrics, traced

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

PREFIX = "uploads/"
ATTACHED = "ATTACHED"
REJECTED = "REJECTED"


def parse_key(key: str) -> tuple[str, str, str] | None:
    """(memberId, caseOrApplicationId, file) of an upload key, None if malformed."""
    if not key.startswith(PREFIX):
        return None
    parts = key[len(PREFIX) :].split("/", 2)
    if len(parts) != 3 or not all(parts):
        return None
    return parts[0], parts[1], parts[2]


def handle_record(table: Table, record: dict[str, Any]) -> str:
    """ATTACHED, REJECTED, DUPLICATE or MALFORMED for one S3 event record."""
    from staycertified.domain.errors import DomainError
    from staycertified.domain.recertification import check_upload_allowed
    from staycertified.store import audit_cases

    s3 = record.get("s3") or {}
    obj = s3.get("object") or {}
    key = unquote_plus(str(obj.get("key", "")))
    parsed = parse_key(key)
    if parsed is None:
        return "MALFORMED"
    member_id, container_id, file_name = parsed
    case, application = audit_cases.upload_targets(table, member_id, container_id)
    entry: dict[str, Any] = {
        "member_id": member_id,
        "container_id": container_id,
        "object_key": key,
        "version_id": str(obj.get("versionId", "")),
        "bucket": str((s3.get("bucket") or {}).get("name", "")),
        "size": int(obj.get("size", 0) or 0),
        "file_name": file_name,
        "uploaded_at": str(record.get("eventTime", "")),
    }
    try:
        check_upload_allowed(case, application)  # R15
    except DomainError as refused:
        entry.update(status=REJECTED, code=refused.code, rule=refused.rule)
    else:
        kind = audit_cases.AUDIT_CASE if case is not None else audit_cases.RECERT_APPLICATION
        entry.update(status=ATTACHED, container_kind=kind)
    created = audit_cases.record_document(table, member_id, container_id, entry)
    return entry["status"] if created else "DUPLICATE"


def handle(event: dict[str, Any], context: Any, *, table: Table | None = None) -> dict[str, int]:
    from aws_lambda_powertools.metrics import MetricUnit

    from staycertified.api import settings

    table = table if table is not None else settings.table()
    outcomes: dict[str, int] = {}
    for record in event.get("Records") or []:
        outcome = handle_record(table, record)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    for outcome, count in outcomes.items():
        metrics.add_metric(name=f"Documents{outcome.title()}", unit=MetricUnit.Count, value=count)
    logger.info("documents processed", extra={"outcomes": outcomes})
    return outcomes


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@traced
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    return handle(event, context)
