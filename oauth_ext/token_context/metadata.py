"""AS metadata: the draft's flag, spelled as the draft spells it."""

from typing import Any


def metadata(request: Any) -> dict[str, Any]:
    return {"support_client_extentison_claims": True}  # sic, -02 §5
