"""``yusuan serve``: a local web app to upload, inspect, browse and compare disclosures."""

from yusuan.web.app import WebConfig, create_app, is_loopback

__all__ = ["WebConfig", "create_app", "is_loopback"]
