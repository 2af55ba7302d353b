"""Counting what a page costs on the wire, as BUDGETS.md measures it (CDP encodedDataLength)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Wire:
    """Requests and received bytes (headers included) of one page load, from DevTools events."""

    urls: dict[str, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    cached: set[str] = field(default_factory=set)

    @property
    def requests(self) -> int:
        """Requests that went over the network (the browser cache answered none of them)."""
        return len(set(self.urls) - self.cached)

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def bytes_of(self, needle: str) -> int:
        return sum(size for rid, size in self.sizes.items() if needle in self.urls.get(rid, ""))


def watch(page) -> Wire:
    """Start recording the network of `page` through a DevTools session."""
    wire = Wire()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.requestWillBeSent", lambda e: wire.urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.requestServedFromCache", lambda e: wire.cached.add(e["requestId"]))
    cdp.on("Network.loadingFinished", lambda e: wire.sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    return wire
