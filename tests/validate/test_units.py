"""Small pieces: semver parsing, SVG safety, license detection, MANIFEST parsing, the public surface."""

from __future__ import annotations

import pytest

import gpctl.validate
from gpctl.validate._semver import is_constraint, is_version
from gpctl.validate.rules.docs import detect_license
from gpctl.validate.rules.images import sniff_image
from gpctl.validate.rules.manifest import manifest_payload
from gpctl.validate.rules.svg import svg_problem


def test_public_surface() -> None:
    assert sorted(gpctl.validate.__all__) == sorted(
        [
            "SCHEMA_SOURCE",
            "BinaryInfo",
            "CatalogNote",
            "Finding",
            "Report",
            "Rule",
            "Severity",
            "SmokeResult",
            "load_schema",
            "plugin_json_errors",
            "rules",
            "validate",
        ]
    )
    ids = [(r.analyzer, r.id) for r in gpctl.validate.rules()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "text",
    [
        ">=12.3.0",
        "^10.4.0 || >=11.0.0",
        ">=10.0.0 <12",
        ">= 9.5",
        "10.x",
        "~11.2",
        "1.2 - 1.4.5",
        ">=12.3.0-beta.1",
        "*",
    ],
)
def test_constraints(text: str) -> None:
    assert is_constraint(text)


@pytest.mark.parametrize("text", ["", "twelve", ">=", "|| 10", ">=10 ||", "10.0.0 >>= 11", "latest"])
def test_not_constraints(text: str) -> None:
    assert not is_constraint(text)


@pytest.mark.parametrize("text", ["1.0.0", "v2.3.4", "1.2.3-beta.1", "1.2.3+build.5", "2", "1.2"])
def test_versions(text: str) -> None:
    assert is_version(text)


@pytest.mark.parametrize("text", ["", "%VERSION%", "one", "1..2", "1.2.3 beta"])
def test_not_versions(text: str) -> None:
    assert not is_version(text)


@pytest.mark.parametrize(
    ("svg", "problem"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>', None),
        (b'<svg xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="#a"/></svg>', None),
        (b"<svg><foreignObject><iframe src='x'/></foreignObject></svg>", "it contains a `<iframe>` element"),
        (b"<svg><a onclick='x()'/></svg>", "element `<a>` has an event handler attribute `onclick`"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "lol">]><svg>&x;</svg>',
            "it declares the XML entity `x`",
        ),
        (b"<svg><g></svg>", "it is not well-formed XML (mismatched tag at line 1)"),
    ],
)
def test_svg_problem(svg: bytes, problem: str | None) -> None:
    assert svg_problem(svg) == problem


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        (
            "Permission is hereby granted, free of charge, to any person obtaining a copy\nof this software",
            "MIT",
        ),
        ("Apache License\n Version 2.0, January 2004", "Apache-2.0"),
        ("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007", "AGPL-3.0"),
        ("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007", "LGPL-3.0"),
        ("GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007", "GPL-3.0"),
        (
            "Redistribution and use in source and binary forms, with or without\nmodification, are permitted. "
            "Neither the name of the copyright holder",
            "BSD-3-Clause",
        ),
        (
            "Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee "
            "is hereby granted.",
            "0BSD",
        ),
        (
            "Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee "
            "is hereby granted, provided that the above copyright notice and this permission notice appear in all "
            "copies.",
            None,  # ISC is not on the catalog's list
        ),
        ("GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991", None),
        ("All rights reserved.", None),
    ],
)
def test_detect_license(text: str, spdx: str | None) -> None:
    assert detect_license(text) == spdx


def test_sniff_image() -> None:
    assert sniff_image(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_image(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_image(b"GIF89a") == "image/gif"
    assert sniff_image(b'<?xml version="1.0"?><svg>') == "image/svg+xml"
    assert sniff_image(b"BM....") is None


def test_manifest_payload_undoes_dash_escaping() -> None:
    text = (
        '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{"time":\n- -1}\n'
        "-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n"
    )
    assert manifest_payload(text) == {"time": -1}
    assert manifest_payload("{}") is None
    assert (
        manifest_payload("-----BEGIN PGP SIGNED MESSAGE-----\n\nnot json\n-----BEGIN PGP SIGNATURE-----\n")
        is None
    )
