"""The embedded AWS sandbox: the real template deployed into moto, in process."""

from .sandbox import Sandbox, SandboxError

__all__ = ["Sandbox", "SandboxError"]
