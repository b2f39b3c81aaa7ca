"""API endpoints of the measures app, mounted under /api/v1 by coproduce.web.api.api."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["measures"])
