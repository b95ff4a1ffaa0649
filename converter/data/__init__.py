"""Marker so the data folder ships as package data."""
