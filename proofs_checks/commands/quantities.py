"""``ntk-verify quantities``: the catalogue of quantities a claims file can name, with their parameters."""
from __future__ import annotations

import json


def register(subparsers) -> None:
    p = subparsers.add_parser("quantities", help="list the quantities a claims file can check, with their parameters")
    p.add_argument("names", nargs="*", metavar="NAME", help="only quantities starting with one of these")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=list_quantities)


def list_quantities(args) -> int:
    from asymptotics.activations import available_activations
    from asymptotics.validation import InputError
    from proofs_checks.user_claims import catalogue

    items = [q for name, q in sorted(catalogue().items())
             if not args.names or any(name.startswith(n) for n in args.names)]
    if not items:
        raise InputError("NAME", f"no quantity starts with {' '.join(args.names)!r}; 'ntk-verify quantities' lists them")
    if args.json:
        print(json.dumps([{"name": q.name, "summary": q.summary, "required": list(q.required),
                           "parameters": q.all_parameters(), "printed": "word" if q.categorical else "number"}
                          for q in items], indent=2))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(items)} quantities (claims files: ntk-verify claims --template)", expand=True)
    table.add_column("quantity", ratio=2, overflow="fold")
    table.add_column("what", ratio=4, overflow="fold")
    table.add_column("parameters (required in bold)", ratio=4, overflow="fold")
    for q in items:
        own = [f"[bold]{p}[/]" if p in q.required else p for p in q.parameters]
        network = ""
        if q.network:
            sw = "[bold]sigma_w | sigma_w2[/]" if "sigma_w" in q.required else "sigma_w | sigma_w2"
            network = f"network: activation, slope | a, b, {sw}, sigma_b | sigma_b2"
        table.add_row(q.name, escape(q.summary), ", ".join(own + ([network] if network else [])))
    console = Console()
    console.print(table)
    console.print("activations: " + ", ".join(available_activations()))
    console.print("every claim: id, quantity, printed; optional where, tolerance (relative) | digits, "
                  "convention (std | variance), dps")
    return 0
