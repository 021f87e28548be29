"""The SQL crawler: PostgreSQL, MySQL/MariaDB, SQL Server, Oracle and SQLite via SQLAlchemy."""
