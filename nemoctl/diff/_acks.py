"""The diff package's view of the findings kernel's acknowledgements (re-exported)."""

from nemoctl.findings.acks import (
    Acknowledgement,
    Acknowledgements,
    AckStatus,
    load_acknowledgements,
    parse_acknowledgements,
)

__all__ = ["AckStatus", "Acknowledgement", "Acknowledgements", "load_acknowledgements",
           "parse_acknowledgements"]
