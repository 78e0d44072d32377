"""CCP attestations (R18): one per certification and cycle, written once.

Key: PK = MEMBER#<memberId>, SK = CERT#<certNo>#ATTEST#<cycleStart> (condition).
Read with the member record (`members.load_member`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from staycertified.domain.model import Attestation
from staycertified.store import keys
from staycertified.store.members import ATTESTATION
from staycertified.store.table import put_once, to_item

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def put_attestation(table: Table, member_id: str, attestation: Attestation) -> bool:
    """Files the attestation; False when this cycle already has one."""
    item = to_item(
        attestation,
        ATTESTATION,
        PK=keys.member_pk(member_id),
        SK=keys.attestation_sk(attestation.certificate_number, attestation.cycle_start),
    )
    return put_once(table, item)
