"""`--validate` judges database URLs without importing SQLAlchemy; its verdict must be make_url's."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from scanner.model.urls import database_url_readable

URLS = [
    "postgresql://u:p@db.example.no:5432/kunder",
    "postgresql://u:p@db.example.no/kunder?sslmode=require",
    "postgresql+psycopg2://u@[::1]:5432/kunder",
    "postgresql://u:p@[::1/kunder",
    "postgresql://u:p@host:port/db",        # a password taken for a port
    "postgresql://u:p@host:54 32/db",
    "postgresql://u:p@host:+5432/db",
    "postgresql://u:p@host:1_000/db",
    "postgresql://u:p@host:/db",
    "postgresql://u:p:q@host:5432/db",
    "postgresql://u:p@h:1:2/db",
    "postgres://u:p%40x@host/db",
    "mysql+pymysql://u:p@127.0.0.1:3306/crm?charset=utf8mb4",
    "mariadb+pymysql://u:p@127.0.0.1:notaport/crm",
    "sqlite:///kunder.db",
    "sqlite:////srv/data/kunder.db",
    "sqlite://",
    "sqlite:///file:kunder.db?mode=ro&uri=true",
    "mssql+pyodbc://u:p@dsn",
    "oracle+oracledb://u:p@host:1521/?service_name=XE",
    "post-gres://u:p@host/db",               # a scheme SQLAlchemy does not read
    "post.gres://u:p@host/db",
    "://u:p@host/db",
    "postgresql:/u:p@host/db",
    "postgresql://u:p@host/db\nmore",
    "postgresql://ü:p@høst/db",
]


@pytest.mark.parametrize("url", URLS)
def test_the_light_check_agrees_with_sqlalchemy(url):
    try:
        make_url(url)
        expected = True
    except Exception:  # noqa: BLE001 - whatever SQLAlchemy cannot read
        expected = False
    assert database_url_readable(url) is expected


def test_the_table_holds_both_verdicts():
    verdicts = {database_url_readable(u) for u in URLS}
    assert verdicts == {True, False}
