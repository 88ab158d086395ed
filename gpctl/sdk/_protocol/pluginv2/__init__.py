"""Generated from backend.proto; do not edit."""
