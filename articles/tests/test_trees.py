"""articles.trees: the one way threads are built, for pages, the desk, exports and imports."""

from operator import itemgetter

from articles.trees import Tree

PAIRS = {"key": itemgetter(0), "parent_key": itemgetter(1)}


def tree(*pairs, **options):
    """Items as (pk, parent pk) pairs, in the order given."""
    return Tree(pairs, **PAIRS, **options)


def test_walk_is_depth_first_in_the_given_order_with_depths():
    # 1 > (2 > 4), 3 > 5; 6
    threads = tree((1, None), (2, 1), (3, 1), (4, 2), (5, 3), (6, None))

    assert [(pk, depth) for (pk, _), depth in threads.walk()] == [
        (1, 0),
        (2, 1),
        (4, 2),
        (3, 1),
        (5, 2),
        (6, 0),
    ]
    assert threads.depth() == 3


def test_replies_stored_before_their_parents_still_hang_under_them():
    threads = tree((3, 2), (2, 1), (1, None))

    assert [pk for (pk, _), _ in threads.walk()] == [1, 2, 3]
    assert threads.depth() == 3


def test_orphans_are_roots_in_place_or_left_out_with_their_replies():
    pairs = [(1, None), (2, 99), (3, 2), (4, None)]

    assert [pk for (pk, _), _ in tree(*pairs).walk()] == [1, 2, 3, 4]
    assert [pk for (pk, _), _ in tree(*pairs, orphans_are_roots=False).walk()] == [1, 4]


def test_parent_loops_end_and_are_never_walked():
    # 2 and 3 answer each other, 4 answers itself: no root above them.
    threads = tree((1, None), (2, 3), (3, 2), (4, 4), (5, 1))

    assert [pk for (pk, _), _ in threads.walk()] == [1, 5]
    assert threads.depth() == 2


def test_descendants_and_replies():
    threads = tree((1, None), (2, 1), (3, 2), (4, 1), (5, None))

    assert [pk for pk, _ in threads.replies((1, None))] == [2, 4]
    assert [pk for pk, _ in threads.descendants((1, None))] == [2, 3, 4]
    assert list(threads.descendants((5, None))) == []


def test_thousands_deep_without_recursion():
    chain = [(1, None)] + [(n, n - 1) for n in range(2, 5001)]

    assert tree(*chain).depth() == 5000


def test_no_items_no_depth():
    assert Tree([]).depth() == 0
