"""Generated from go-plugin's protos; do not edit."""
