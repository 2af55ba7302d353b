"""Dân vận khéo: the application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from danvan import (
    admin,
    assets,
    auth,
    checklist,
    database,
    emulation,
    evidence,
    home,
    maintenance,
    models,
    plan,
    reports,
    web,
)
from danvan import config as cfg
from danvan.auth.sessions import SessionInterface
from danvan.demo.cli import register_cli as register_demo_cli
from danvan.extensions import compress, csrf, db, htmx, login_manager, migrate
from danvan.pagecache import KeptEncodings, kept_encoding_key

BLUEPRINTS = (auth.bp, home.bp, plan.bp, checklist.bp, models.bp, evidence.bp, reports.bp, emulation.bp,
              admin.bp)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI commands."""
    project_root = Path(__file__).resolve().parent.parent
    app = Flask(
        __name__,
        instance_path=str(project_root / "instance"),
        template_folder=str(project_root / "templates"),
        static_folder=None,
    )
    app.url_map.converters["id"] = web.IdConverter
    app.config.update(cfg.base_config(app.instance_path))
    production = os.environ.get("DANVAN_ENV") == "production"
    if production:
        app.config.update(cfg.production_overrides())
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", cfg.engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    if production:
        cfg.check_production(app.config)

    db.init_app(app)
    database.init_database(app)
    migrate.init_app(app, db, directory=str(project_root / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    # A page sent again exactly as it was kept is compressed once (danvan/pagecache.py).
    app.config.setdefault("COMPRESS_CACHE_BACKEND", KeptEncodings)
    app.config.setdefault("COMPRESS_CACHE_KEY", kept_encoding_key)
    compress.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    app.session_interface = SessionInterface()

    assets.init_assets(app)
    web.init_web(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

    register_demo_cli(app)
    auth.register_cli(app)
    maintenance.register_cli(app)
    return app
