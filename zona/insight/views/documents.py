"""The documents part's pages (routes absolute from the site root)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
