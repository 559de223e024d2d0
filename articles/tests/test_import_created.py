"""The comments an import created are kept compact until its hook, and handed over whole."""

from articles.importers.created import CreatedComments


def test_created_comments_give_back_every_id_and_reading_in_order_as_often_as_asked():
    created = CreatedComments()
    created.add([1, 2], [{"words": ["a"]}, None])
    created.add([3], [None])  # nothing read: no reading kept
    created.add([], [])
    created.add([7, 9], ["x", "y"])

    expected = [(1, {"words": ["a"]}), (2, None), (3, None), (7, "x"), (9, "y")]
    assert list(created) == expected
    assert list(created) == expected  # the hook walks it twice
    assert len(created) == 5 and created


def test_no_created_comments_is_false():
    assert not CreatedComments()
