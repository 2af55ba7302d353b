"""The demo data commands: `flask --app app seed-demo` and `seed-scale` (for measurements)."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask_migrate import upgrade

from danvan.demo import seed_demo
from danvan.demo.scale import seed_scale
from danvan.extensions import db
from danvan.orm import Unit


def register_cli(app: Flask) -> None:
    """Add `seed-demo` and `seed-scale` to the flask command."""

    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="load only when the database has no unit yet")
    def seed_demo_command(if_empty: bool) -> None:
        """Create or upgrade the schema, then load the plan-382 demo data once."""
        upgrade()
        if if_empty and db.session.scalar(db.select(Unit).limit(1)):
            click.echo("Cơ sở dữ liệu đã có dữ liệu; không nạp dữ liệu mẫu.")
            return
        if seed_demo():
            click.echo("Đã nạp dữ liệu mẫu Kế hoạch 382-KH/TĐTN-TCKT.")
        else:
            click.echo("Dữ liệu mẫu đã có sẵn; không thay đổi gì.")

    @app.cli.command("seed-scale")
    @click.option("--factor", default=10, show_default=True, type=click.IntRange(2, 50))
    @click.option("--seed", default=382, show_default=True, help="seed of the random generator")
    def seed_scale_command(factor: int, seed: int) -> None:
        """Load the plan-382 demo if needed, then scale it up FACTOR times (sample data, once)."""
        started = time.monotonic()
        upgrade()
        seed_demo()
        counts = seed_scale(factor, seed)
        click.echo(f"Đã nạp dữ liệu quy mô ×{factor} trong {time.monotonic() - started:.1f} s: "
                   + ", ".join(f"{k} {v}" for k, v in counts.items()))
