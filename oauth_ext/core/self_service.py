"""Self-service endpoints over a signed-in user's own rows (consents, devices): a
list, and one action on one row. Session authentication only, so that a token a
client holds can never list or undo what its user granted; a row of another user
is "Not found", never "forbidden", so its existence does not leak."""

from __future__ import annotations

from typing import Any

from django.db import models
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView


class OwnRowsView(APIView):
    """Subclasses say which rows are the user's and how one is shown."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    def owned(self, request) -> models.QuerySet:
        raise NotImplementedError

    def describe(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError


class OwnRowsListView(OwnRowsView):
    ordering: str

    def get(self, request):
        return Response([self.describe(row) for row in self.owned(request).order_by(self.ordering)])


class OwnRowActionView(OwnRowsView):
    def act(self, row: Any, user: Any) -> Any:
        """Do the action (through the feature's service) and return the row."""
        raise NotImplementedError

    def post(self, request, pk: int):
        row = self.owned(request).filter(pk=pk).first()
        if row is None:
            return Response({"detail": "Not found."}, status=404)
        return Response(self.describe(self.act(row, request.user)))
