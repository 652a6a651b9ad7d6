"""The one seam into oauthlib: DOT's validator with one mixin per feature.

Point DOT at it: ``OAUTH2_PROVIDER["OAUTH2_VALIDATOR_CLASS"] =
"oauth_ext.validators.OAuth2Validator"``. A site with its own validator subclass
can mix the same mixins into it instead.
"""

from oauth2_provider.oauth2_validators import OAuth2Validator as DOTValidator

from .attestation.validators import AttestationValidatorMixin
from .bcp.validators import BCPValidatorMixin
from .client_auth.validators import ClientAuthValidatorMixin
from .client_instances.validators import ClientInstanceValidatorMixin
from .consent.validators import ConsentValidatorMixin
from .dpop.validators import DPoPValidatorMixin
from .key_binding.validators import KeyBindingValidatorMixin
from .mtls.validators import MTLSValidatorMixin
from .pop.validators import PoPValidatorMixin
from .stateless_tokens.validators import StatelessTokenValidatorMixin
from .status_list.validators import StatusListValidatorMixin
from .token_context.validators import TokenContextValidatorMixin
from .tokens.storage import TokenStorageValidatorMixin


class OAuth2Validator(
    ClientAuthValidatorMixin,
    ClientInstanceValidatorMixin,
    AttestationValidatorMixin,
    StatusListValidatorMixin,
    TokenContextValidatorMixin,
    KeyBindingValidatorMixin,
    ConsentValidatorMixin,
    PoPValidatorMixin,
    MTLSValidatorMixin,
    DPoPValidatorMixin,
    BCPValidatorMixin,
    TokenStorageValidatorMixin,
    StatelessTokenValidatorMixin,
    DOTValidator,
):
    """Order matters where features meet: DPoP verifies the proof first; mTLS reads the
    forwarded certificate; PoP, which uses the proof to check possession of ``req_cnf``,
    runs on its result; a ``tmb`` key (deferred key binding) is decided after them all
    and sets the token type last. The RFC 9700 checks sit right on DOT's: a code DOT
    no longer knows is a replay whatever the features think of it. Token storage sits
    next to DOT: it decides whether DOT's transaction wraps the save; stateless tokens
    replace only DOT's row writes, under everything else."""
