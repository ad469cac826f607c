"""The first stage of matching: how a text becomes a search, and what the search finds."""

from __future__ import annotations

import sqlite3

from claimtrack.models import Claim
from claimtrack.search import MemorySearch, create_table, prepare, query_terms, row, search


def test_a_tweet_is_read_as_prose():
    tweet = (
        "Watch 😮🔥 #StateOfTheUnion via @JoeBiden: the NRA_Official says 40% #covid19 "
        "pic.twitter.com/3S32De8ekP https://t.co/zwLPPXniQh www.example.com/a?b=1"
    )
    assert (
        prepare(tweet)
        == "Watch 😮🔥 State Of The Union via Joe Biden: the NRA_Official says 40% covid 19"
    )
    terms = query_terms(tweet)
    assert terms == [
        "watch",
        "state",
        "union",
        "joe",
        "biden",
        "nra_official",
        "says",
        "40",
        "covid",
        "19",
    ]
    # Function words and single letters are not searched for; each word once.
    assert query_terms("the THE a of it's Biden biden") == ["biden"]
    assert query_terms("  ...  😮 ") == []


def test_hashtag_words_find_the_claim():
    s = MemorySearch(
        [
            Claim(
                id="c-000000000001", text="Wombats shelter animals fleeing the Australian fires."
            ),
            Claim(id="c-000000000002", text="Fires broke out in California."),
        ]
    )
    assert s.search("so brave #AustralianFires #wombats")[0][0] == "c-000000000001"


def test_the_on_disk_table_and_memory_search_agree(tmp_path):
    claims = [
        Claim(id="c-000000000001", text="Klarna's assistant does the work of 700 agents."),
        Claim(id="c-000000000002", text="Sales rose.", title="Did Klarna's sales rise 27%?"),
        Claim(id="c-000000000003", text="Profit fell.", claimant="Klarna"),
    ]
    conn = sqlite3.connect(tmp_path / "index.sqlite")
    create_table(conn)
    conn.executemany("INSERT INTO claim_search VALUES (?, ?, ?, ?)", [row(c) for c in claims])
    memory = MemorySearch(claims)
    for text in ("Klarna", "sales 27%", "700 agents #Klarna"):
        assert search(conn, text) == memory.search(text)
    memory.remove(["c-000000000001"])
    assert [cid for cid, _ in memory.search("700 agents")] == []


def test_memory_search_orders_as_the_table_does_ties_removals_and_limits(tmp_path):
    """``MemorySearch`` orders its matches itself (score, then claim id): the same claims,
    scores and order as ``search`` over the same rows, with equal scores (the same text under
    two ids, given in either order), after claims are removed and added again, and for any
    ``top`` (SQLite's: 0 finds nothing, a negative one is no limit)."""
    texts = [
        "Klarna's assistant does the work of 700 agents.",
        "The assistant handles two thirds of Klarna's customer chats.",
        "Klarna cut 700 jobs.",
        "Sales at Klarna rose 27% to $2.8bn.",
        "Profit fell as the agents left.",
    ]
    claims = [Claim(id=f"c-{i:012d}", text=texts[i % len(texts)]) for i in range(12)][::-1]
    claims.append(Claim(id="c-000000000100", text="Chats fell.", claimant="Klarna"))
    conn = sqlite3.connect(tmp_path / "index.sqlite")
    create_table(conn)
    memory = MemorySearch(claims)

    def same(held: list[Claim]) -> None:
        conn.execute("DELETE FROM claim_search")
        conn.executemany("INSERT INTO claim_search VALUES (?, ?, ?, ?)", [row(c) for c in held])
        for text in ("Klarna", "700 agents", "Klarna chats fell", "sales 27%", "the of"):
            for top in (100, 3, 1, 0, -1):
                want = search(conn, text, top)
                assert memory.search(text, top) == want
                if top == 3 and text == "700 agents":
                    scores = [score for _, score in want]
                    assert len(set(scores)) < len(scores)  # ties were ordered by id

    same(claims)
    memory.remove(["c-000000000002", "c-000000000007", "c-999999999999"])
    held = [c for c in claims if c.id not in ("c-000000000002", "c-000000000007")]
    same(held)
    memory.add([claims[0], claims[0]])  # a claim added twice is found twice, as in the table
    same([*held, claims[0], claims[0]])
