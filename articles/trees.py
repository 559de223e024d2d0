"""Comment threads as trees, built one way for every page, export and import report."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from operator import attrgetter
from typing import Generic, TypeVar

Item = TypeVar("Item")


class Tree(Generic[Item]):
    """Items (comments, rows, tuples) arranged under their parents, in the order given.

    An item whose parent is missing from `items` (pending on a public page, say) is a root when
    `orphans_are_roots`, else left out with everything under it. Walks are iterative (threads
    can be thousands deep) and loop-safe: an item in a parent loop hangs from no root, so it is
    never reached, and every item is reached at most once.
    """

    def __init__(
        self,
        items: Iterable[Item],
        *,
        key: Callable[[Item], Hashable] = attrgetter("pk"),
        parent_key: Callable[[Item], Hashable | None] = attrgetter("parent_id"),
        orphans_are_roots: bool = True,
    ):
        self.key = key
        items = list(items)
        known = {key(item) for item in items}
        self.roots: list[Item] = []
        self.children: dict[Hashable, list[Item]] = {}
        for item in items:
            parent = parent_key(item)
            if parent in known:
                self.children.setdefault(parent, []).append(item)
            elif parent is None or orphans_are_roots:
                self.roots.append(item)

    def replies(self, item: Item) -> list[Item]:
        """The item's direct replies, in the order given."""
        return self.children.get(self.key(item), [])

    def walk(self, roots: Iterable[Item] | None = None) -> Iterator[tuple[Item, int]]:
        """Depth first, each item followed by its replies, with its depth (0 for `roots`)."""
        key, children = self.key, self.children  # local names: this loop runs per comment
        stack = [(root, 0) for root in reversed(list(self.roots if roots is None else roots))]
        while stack:
            item, depth = stack.pop()
            yield item, depth
            if replies := children.get(key(item)):
                depth += 1
                stack.extend([(reply, depth) for reply in reversed(replies)])

    def descendants(self, item: Item) -> Iterator[Item]:
        """Everything under the item, depth first."""
        return (reply for reply, _ in self.walk(self.replies(item)))

    def depth(self) -> int:
        """How many levels the deepest thread has (1 = no replies; 0 = no items)."""
        return max((depth + 1 for _, depth in self.walk()), default=0)
