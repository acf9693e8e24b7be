"""Thin views over the query functions in dashboard/queries.py."""

from django.shortcuts import render


def overview(request):
    return render(request, "dashboard/overview.html", {})
