"""Explicit parsing of settings taken from the environment.

Every reader raises ConfigurationError naming the variable, so that start-up
stops with one clear line instead of a traceback deep inside Django.
"""

import os
import zoneinfo

import dj_database_url


class ConfigurationError(Exception):
    """A setting from the environment is missing or malformed."""


TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def read_str(name, default=None, *, required=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if required:
            raise ConfigurationError(f"{name} must be set.")
        return default
    return value.strip()


def read_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {value!r}.")


def read_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}.") from None


def read_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def read_choice(name, choices, default):
    value = read_str(name, default)
    if value not in choices:
        allowed = ", ".join(choices)
        raise ConfigurationError(f"{name} must be one of {allowed}, not {value!r}.")
    return value


def read_database_url(name, default):
    value = read_str(name, default)
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ConfigurationError(f"{name} is not a valid database URL ({error}).") from None
    if not config.get("ENGINE"):
        raise ConfigurationError(f"{name} names an unsupported database: {value!r}.")
    return config


def read_url(name, schemes):
    value = read_str(name)
    if value is None:
        return None
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in schemes:
        allowed = ", ".join(f"{s}://" for s in schemes)
        raise ConfigurationError(f"{name} must start with {allowed}, not {value!r}.")
    return value


def read_time_zone(name, default):
    value = read_str(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"{name} is not a known time zone: {value!r}.") from None
    return value
