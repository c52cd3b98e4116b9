"""The catalogue of quantities a claims file can name, and the setting they share.

A :class:`Quantity` has a name (``eoc.sigma_w``), a summary, its parameters (name -> meaning;
required ones listed) and ``compute(params, setting, dps) -> Computed``.  The modules
``eoc_quantities``, ``depth_quantities`` and ``kernel_quantities`` register them; each
computation is delegated to the package's engines (``asymptotics.*``) and cached on exact
parameters, so one Edge-of-Chaos solve serves every claim at the same parameters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Dict, Optional, Tuple

from asymptotics.accuracy import Approx
from asymptotics.activations import Activation, available_activations, get_activation
from asymptotics.validation import InputError
from proofs_checks.user_claims.errors import FieldError
from proofs_checks.user_claims.values import as_argument, exact_number, square, square_root, text_of

CONVENTIONS = ("std", "variance")

#: parameters of every quantity that depends on a network
NETWORK_PARAMETERS = {
    "activation": "activation name (ntk-verify quantities lists them); default relu",
    "slope": "negative-side slope of leaky_relu (exact, e.g. \"1/10\")",
    "a": "abrelu: slope for x < 0", "b": "abrelu: slope for x > 0",
    "activation_parameters": "table of further parameters passed to the activation (e.g. {scale = \"2\"})",
    "sigma_w": "weight scale: standard deviation (convention std) or variance (convention variance)",
    "sigma_b": "bias scale, likewise; default 0",
    "sigma_w2": "weight variance (whatever the convention)",
    "sigma_b2": "bias variance (whatever the convention)",
}
#: fields every claim may carry besides its quantity's parameters
CLAIM_FIELDS = ("id", "where", "quantity", "printed", "tolerance", "digits", "convention", "dps",
                "statement", "title", "severity", "consequence")


@dataclass
class Computed:
    """What the catalogue computed for one claim.

    ``value``: an Approx (``None`` for a word or when undecided); ``exact``: a SymPy number when
    the quantity was derived exactly; ``how``: how it was computed; ``overturn``: what would
    overturn the result; ``word``: a categorical answer (phase); ``undecided``: why the package
    cannot compute it here (the verdict is then inconclusive) with ``decide``: what would decide it.
    ``by_construction``: why the value holds by definition (a confirmation is then graded
    *consistency*); ``shared_method``: set when the two computations behind an agreement share their
    method (differ only in precision or depth), so their agreement checks rounding, not the method.
    """

    what: str
    value: Optional[Approx] = None
    exact: object = None
    how: str = ""
    overturn: str = ""
    word: str = ""
    undecided: str = ""
    decide: str = ""
    data: dict = field(default_factory=dict)
    by_construction: str = ""
    shared_method: str = ""


@dataclass(frozen=True)
class Quantity:
    name: str
    summary: str
    parameters: Dict[str, str]
    required: Tuple[str, ...]
    compute: Callable
    categorical: bool = False
    network: bool = True

    def all_parameters(self) -> Dict[str, str]:
        out = dict(NETWORK_PARAMETERS) if self.network else {}
        out.update(self.parameters)
        return out


QUANTITIES: Dict[str, Quantity] = {}


def quantity(name, summary, parameters=None, required=(), categorical=False, network=True):
    """Decorator registering ``compute(params, setting, dps) -> Computed`` as quantity ``name``."""

    def register(compute):
        QUANTITIES[name] = Quantity(name, summary, dict(parameters or {}), tuple(required), compute,
                                    categorical, network)
        return compute

    return register




# --------------------------------------------------------------------------------------
# the network setting shared by the quantities

_ACTIVATIONS: Dict[tuple, Activation] = {}


@dataclass(frozen=True)
class Setting:
    """Activation and exact variances of one claim.  ``key`` identifies it for the caches."""

    activation: Activation
    activation_key: tuple
    sw2: object  # Fraction / SymPy number, or None when not given (Edge of Chaos wanted)
    sb2: object  # Fraction / SymPy number (0 by default)
    convention: str

    @property
    def name(self) -> str:
        return self.activation.name

    @property
    def plain_name(self):
        """The registry name when the activation has default parameters (the cached engines want it)."""
        name, params = self.activation_key
        return name if not params else self.activation

    @property
    def is_relu_family(self) -> bool:
        return self.activation.is_relu_family

    @property
    def sigma_w(self):
        return None if self.sw2 is None else square_root(self.sw2)

    @property
    def sigma_b(self):
        return square_root(self.sb2)

    def sigma_w_arg(self, dps=60):
        return as_argument(self.sigma_w, dps)

    def sigma_b_arg(self, dps=60):
        return as_argument(self.sigma_b, dps)

    def describe(self) -> str:
        sw = "on the Edge of Chaos" if self.sw2 is None else f"sigma_w^2 = {text_of(self.sw2)}"
        return f"{self.name}, {sw}, sigma_b^2 = {text_of(self.sb2)}"


def activation_from(params) -> Tuple[Activation, tuple]:
    name = params.get("activation", "relu")
    if not isinstance(name, str):
        raise FieldError("activation", f"expected a name, got {name!r}")
    key = name.strip().lower()
    extra = {}
    table = params.get("activation_parameters", {})
    if not isinstance(table, dict):
        raise FieldError("activation_parameters", f"expected a table, got {table!r}")
    for k, v in table.items():
        extra[k] = exact_number(f"activation_parameters.{k}", v)
    if "slope" in params:
        if key != "leaky_relu":
            raise FieldError("slope", f"only leaky_relu takes a slope, not {name!r}")
        extra["alpha"] = exact_number("slope", params["slope"])
    for side in ("a", "b"):
        if side in params:
            if key != "abrelu":
                raise FieldError(side, f"only abrelu takes slopes a and b, not {name!r}")
            extra[side] = exact_number(side, params[side])
    ident = (key, tuple(sorted((k, str(v)) for k, v in extra.items())))
    if ident in _ACTIVATIONS:
        return _ACTIVATIONS[ident], ident
    if key not in available_activations():
        raise FieldError("activation", f"unknown activation {name!r}; available: {', '.join(available_activations())}")
    try:
        act = get_activation(key, **{k: as_argument(v) for k, v in extra.items()})
    except InputError as err:
        raise FieldError("activation", err.problem) from None
    _ACTIVATIONS[ident] = act
    return act, ident


def _variance(params, name, convention):
    std, var = params.get(name), params.get(name + "2")
    if std is not None and var is not None:
        raise FieldError(name + "2", f"give {name} or {name}2, not both")
    if std is None and var is None:
        return None
    field_name = name if std is not None else name + "2"
    value = exact_number(field_name, std if std is not None else var)
    if _negative(value):
        raise FieldError(field_name, f"must be >= 0, got {std if std is not None else var!r}")
    if var is not None or convention == "variance":
        return value
    return square(value)


def _negative(x) -> bool:
    return x < 0 if isinstance(x, Fraction) else bool(x.is_negative)


def setting_from(params, convention) -> Setting:
    act, key = activation_from(params)
    sw2 = _variance(params, "sigma_w", convention)
    sb2 = _variance(params, "sigma_b", convention)
    if sw2 is not None and sw2 == 0:
        raise FieldError("sigma_w", "must be > 0")
    return Setting(act, key, sw2, Fraction(0) if sb2 is None else sb2, convention)


def integer_param(params, name, default=None, minimum=None, maximum=None) -> int:
    value = params.get(name, default)
    if value is None:
        raise FieldError(name, "required")
    if isinstance(value, str):
        try:
            value = float(value) if any(ch in value for ch in ".eE") else int(value)
        except ValueError:
            raise FieldError(name, f"expected an integer, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise FieldError(name, f"expected an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise FieldError(name, f"must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise FieldError(name, f"must be <= {maximum}, got {value}")
    return value


def choice_param(params, name, choices, default=None) -> str:
    value = params.get(name, default)
    if value is None:
        raise FieldError(name, f"required: one of {', '.join(choices)}")
    if value not in choices:
        raise FieldError(name, f"expected one of {', '.join(choices)}, got {value!r}")
    return value
