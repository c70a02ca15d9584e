"""Issue 11, "Search (one box in the navbar)".

Every app registers its source with agency.search and scopes it with its own
selectors; these tests go through the one entry point (agency.search.search)
and the page (/search/).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agency import search
from agency.search_indexes import trigram_index_name
from briefs.models import Brief
from meetings.models import Decision
from tests.billing.factories import IssuedInvoiceFactory
from tests.briefs.factories import BriefFactory
from tests.factories import ContactFactory, PartyFactory
from tests.meetings.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory
from tests.plans.factories import AccountPlanFactory, StrategyFactory

ALL_GROUPS = {
    "clients",
    "contacts",
    "parties",
    "plans",
    "strategies",
    "briefs",
    "meetings",
    "decisions",
    "action_items",
    "invoices",
}


@pytest.fixture
def world(cast):
    """翡翠 things on the cast's client and on the other team's client."""
    cast.client.name = "万科翡翠公园"
    cast.client.save()
    cast.other_client.name = "翡翠湾置业"
    cast.other_client.save()
    w = {"cast": cast}
    for key, client, tag, lead in [
        ("ours", cast.client, "公园", cast.am),
        ("theirs", cast.other_client, "湾", cast.outsider),
    ]:
        w[key] = {
            "contact": ContactFactory(client=client, name=f"李翡翠{tag}"),
            "party": PartyFactory(client=client, name=f"翡翠{tag}物业", kind="property_manager"),
            "plan": AccountPlanFactory(client=client, annual_goals=f"守住翡翠{tag}的口碑"),
            "brief": BriefFactory(
                client=client,
                author=lead,
                title="翡翠公园二期开盘" if tag == "公园" else "翡翠湾秘密提案",
                status=Brief.Status.BRIEFED,
                signed_by=cast.md,
                signed_at=timezone.now(),
            ),
            "meeting": MeetingFactory(
                client=client, organiser=lead, title=f"翡翠{tag}周会", purpose="Weekly"
            ),
            "invoice": IssuedInvoiceFactory(client=client, created_by=lead),
        }
        w[key]["strategy"] = StrategyFactory(plan=w[key]["plan"], title=f"翡翠{tag}生活方式")
        meeting = w[key]["meeting"]
        w[key]["minutes"] = MeetingFactory(
            client=client, organiser=lead, title=f"Kick-off {tag}", purpose="Start"
        )
        AgendaItemFactory(meeting=w[key]["minutes"], topic="Naming", notes=f"客户喜欢翡翠{tag}")
        w[key]["decision"] = Decision.objects.create(
            meeting=meeting, text=f"主视觉采用翡翠{tag}绿", created_by=lead
        )
        w[key]["action"] = ActionItemFactory(
            meeting=meeting, text=f"翡翠{tag}样板间拍摄", owner=lead
        )
    return w


def found(user, q) -> dict[str, list[str]]:
    _query, groups = search.search(user, q)
    return {g.key: [h.title for h in g.hits] for g in groups}


def titles(result) -> set[str]:
    return {t for hits in result.values() for t in hits}


# --- Chinese substrings ------------------------------------------------------


def test_two_chinese_characters_find_the_client_and_the_brief(world):
    result = found(world["cast"].am, "翡翠")
    assert "万科翡翠公园" in result["clients"]
    assert "翡翠公园二期开盘" in result["briefs"]


def test_every_kind_matches_a_chinese_substring_in_the_middle(world):
    result = found(world["cast"].md, "翡翠公")
    assert set(result) == ALL_GROUPS - {"invoices"}
    assert result["clients"] == ["万科翡翠公园"]
    assert result["briefs"] == ["翡翠公园二期开盘"]
    assert result["contacts"] == ["李翡翠公园"]
    assert result["parties"] == ["翡翠公园物业"]
    assert result["strategies"] == ["翡翠公园生活方式"]
    assert len(result["plans"]) == 1  # by its goals and its client's name
    # A meeting by its title and one by its minutes (an agenda topic's notes).
    assert set(result["meetings"]) == {"翡翠公园周会", "Kick-off 公园"}
    assert result["decisions"] == ["主视觉采用翡翠公园绿"]
    assert result["action_items"] == ["翡翠公园样板间拍摄"]


def test_invoices_by_inv_number_and_by_fapiao_number_ignoring_case(world):
    ours = world["ours"]["invoice"]
    md = world["cast"].md
    assert found(md, ours.number.lower())["invoices"] == [ours.number]
    assert found(md, ours.fapiao_number)["invoices"] == [ours.number]
    assert found(md, ours.number[4:])["invoices"] == [ours.number]  # "2027-9000"


def test_a_hit_links_to_its_page(world, as_user):
    resp = as_user(world["cast"].am).get(reverse("search"), {"q": "翡翠公园二期"})
    assert resp.status_code == 200
    assert world["ours"]["brief"].get_absolute_url() in resp.content.decode()


# --- Permission scoping per role ----------------------------------------------

OURS_ONLY_WORK = {"翡翠公园二期开盘", "翡翠公园生活方式", "翡翠公园周会", "主视觉采用翡翠公园绿"}
THEIRS_WORK = {
    "Kick-off 湾",
    "翡翠湾秘密提案",
    "翡翠湾生活方式",
    "翡翠湾周会",
    "主视觉采用翡翠湾绿",
    "翡翠湾样板间拍摄",
}


def test_a_team_member_never_sees_another_teams_work(world):
    for key in ("am", "ae", "ad", "planner", "cd", "media", "traffic"):
        result = titles(found(getattr(world["cast"], key), "翡翠"))
        assert result >= OURS_ONLY_WORK, key
        assert not result & THEIRS_WORK, key
        assert "翡翠湾置业" not in result, key
        assert "李翡翠湾" not in result, key


def test_the_outsider_sees_only_their_own_teams_records(world):
    result = found(world["cast"].outsider, "翡翠")
    everything = titles(result)
    assert "翡翠公园二期开盘" not in everything
    assert "万科翡翠公园" not in everything
    assert not everything & OURS_ONLY_WORK
    assert result["briefs"] == ["翡翠湾秘密提案"]
    assert result["clients"] == ["翡翠湾置业"]
    assert found(world["cast"].outsider, "INV-")["invoices"] == [world["theirs"]["invoice"].number]


def test_finance_sees_master_data_and_invoices_but_no_briefs_plans_or_meetings(world):
    result = found(world["cast"].finance, "翡翠")
    assert set(result) == {"clients", "contacts", "parties"}
    assert set(result["clients"]) == {"万科翡翠公园", "翡翠湾置业"}
    invoices = found(world["cast"].finance, "INV-")["invoices"]
    assert set(invoices) == {world["ours"]["invoice"].number, world["theirs"]["invoice"].number}


def test_invoices_only_for_account_service_on_the_team(world):
    ours = world["ours"]["invoice"].number
    cast = world["cast"]
    for key in ("am", "ae", "ad"):
        assert found(getattr(cast, key), "INV-")["invoices"] == [ours], key
    for key in ("planner", "cd", "copywriter", "media", "traffic"):
        assert "invoices" not in found(getattr(cast, key), "INV-"), key


def test_the_md_and_bd_see_every_team(world):
    for key in ("md", "bd"):
        result = titles(found(getattr(world["cast"], key), "翡翠"))
        assert result >= OURS_ONLY_WORK | THEIRS_WORK, key


def test_the_crossover_sees_both_of_their_teams(world):
    result = titles(found(world["cast"].crossover, "翡翠"))
    assert {"翡翠公园二期开盘", "翡翠湾秘密提案"} <= result


def test_a_creative_does_not_find_a_brief_before_it_is_briefed(world):
    brief = world["ours"]["brief"]
    copywriter = world["cast"].copywriter
    assert found(copywriter, "翡翠公园二期")["briefs"] == [brief.title]
    Brief.objects.filter(pk=brief.pk).update(status=Brief.Status.DRAFT)
    assert "briefs" not in found(copywriter, "翡翠公园二期")
    assert found(world["cast"].am, "翡翠公园二期")["briefs"] == [brief.title]


def test_the_page_shows_the_outsider_nothing_of_ours(world, as_user):
    resp = as_user(world["cast"].outsider).get(reverse("search"), {"q": "翡翠"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "翡翠湾秘密提案" in body
    for title in ("翡翠公园二期开盘", "万科翡翠公园", *OURS_ONLY_WORK):
        assert title not in body


def test_an_anonymous_visitor_is_sent_to_log_in(world, client):
    resp = client.get(reverse("search"), {"q": "翡翠"})
    assert resp.status_code == 302
    assert reverse("login") in resp["Location"]


def test_a_meeting_attendee_off_the_team_finds_that_meeting(world):
    from tests.meetings.factories import AttendeeFactory

    finance = world["cast"].finance
    AttendeeFactory(meeting=world["ours"]["meeting"], user=finance)
    assert found(finance, "翡翠公园周")["meetings"] == ["翡翠公园周会"]
    assert "meetings" not in found(finance, "翡翠湾周")


# --- Odd input never gives a 500 ------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        "%",
        "_",
        "%%",
        "\\",
        "'",
        '"; DROP TABLE accounts_client; --',
        "x" * 10_000,
        "翡翠" * 5_000,
        "\x00",
        "<script>alert(1)</script>",
        "a\tb\nc",
    ],
)
def test_odd_input_gives_a_page_not_an_error(world, as_user, q):
    resp = as_user(world["cast"].am).get(reverse("search"), {"q": q})
    assert resp.status_code == 200
    assert "<script>alert(1)</script>" not in resp.content.decode()


def test_like_wildcards_are_matched_literally(world):
    cast = world["cast"]
    ContactFactory(client=cast.client, name="100% Pure")
    ContactFactory(client=cast.client, name="snake_case")
    assert found(cast.am, "%") == {"contacts": ["100% Pure"]}
    assert found(cast.am, "_") == {"contacts": ["snake_case"]}
    assert found(cast.am, "0%")["contacts"] == ["100% Pure"]


def test_an_empty_query_searches_nothing(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert search.search(world["cast"].am, "  ") == ("", [])


def test_a_very_long_query_is_cut_to_the_maximum(world):
    q, _groups = search.search(world["cast"].am, "翡" * 500)
    assert len(q) == search.MAX_QUERY_LENGTH


def test_whitespace_is_collapsed():
    assert search.clean_query("  翡翠 \t 公园\n") == "翡翠 公园"
    assert search.clean_query(None) == ""


def test_snippet_shows_the_text_around_the_match():
    text = "a" * 100 + "翡翠" + "b" * 100
    assert search.snippet(text, "翡翠") == "…" + "a" * 40 + "翡翠" + "b" * 40 + "…"
    assert search.snippet("nothing here", "翡翠") == ""


# --- Query count -----------------------------------------------------------------


def _count(user, q) -> int:
    with CaptureQueriesContext(connection) as ctx:
        search.search(user, q)
    return len(ctx.captured_queries)


def test_one_query_per_group_however_many_rows_match(world):
    cast = world["cast"]
    few = _count(cast.am, "翡翠")
    # Twenty more of every kind on our client: the page shows ten and says "more".
    for n in range(20):
        ContactFactory(client=cast.client, name=f"翡翠联系人{n}")
        PartyFactory(client=cast.client, name=f"翡翠伙伴{n}", kind="media")
        plan = AccountPlanFactory(client=cast.client, year=2000 + n, annual_goals="翡翠")
        StrategyFactory(plan=plan, title=f"翡翠策略{n}")
        BriefFactory(client=cast.client, author=cast.am, title=f"翡翠 brief {n}")
        meeting = MeetingFactory(client=cast.client, organiser=cast.am, title=f"翡翠会{n}")
        Decision.objects.create(meeting=meeting, text=f"翡翠决定{n}", created_by=cast.am)
        ActionItemFactory(meeting=meeting, text=f"翡翠行动{n}", owner=cast.am)
    many = _count(cast.am, "翡翠")
    assert few == many == 10  # one per group
    _q, groups = search.search(cast.am, "翡翠")
    padded = ALL_GROUPS - {"clients", "invoices"}
    assert {g.key for g in groups if len(g.hits) == search.PER_GROUP and g.more} == padded


def test_the_page_runs_a_fixed_number_of_queries(world, as_user):
    cast = world["cast"]
    page = as_user(cast.am)
    url = reverse("search")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert page.get(url, {"q": "翡翠"}).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(15):
        BriefFactory(client=cast.client, author=cast.am, title=f"翡翠 brief {n}")
        ContactFactory(client=cast.client, name=f"翡翠联系人{n}")
    assert count() == few


# --- The box and the indexes -----------------------------------------------------


def test_the_navbar_has_the_search_box(world, as_user):
    body = as_user(world["cast"].am).get(reverse("home")).content.decode()
    assert 'id="search-form"' in body
    assert f'action="{reverse("search")}"' in body
    assert 'name="q"' in body


def test_the_box_keeps_the_query_on_the_results_page(world, as_user):
    body = as_user(world["cast"].am).get(reverse("search"), {"q": "翡翠"}).content.decode()
    assert 'value="翡翠"' in body


SEARCHED_COLUMNS = {
    "accounts_client": ["name", "short_name", "invoice_title"],
    "accounts_contact": ["name", "title", "email", "phone"],
    "accounts_party": ["name", "contact_name"],
    "plans_accountplan": ["annual_goals", "training_plan"],
    "plans_strategy": ["title", "description"],
    "briefs_brief": ["title", "client_problem", "proposition"],
    "meetings_meeting": ["title", "purpose", "conclusions"],
    "meetings_agendaitem": ["topic", "notes"],
    "meetings_decision": ["text"],
    "meetings_actionitem": ["text"],
    "billing_invoice": ["number", "fapiao_number"],
}


def test_postgresql_has_a_trigram_gin_index_on_every_searched_column(require_postgres):
    with connection.cursor() as cur:
        cur.execute("SELECT tablename, indexdef FROM pg_indexes WHERE indexname LIKE 'trgm_%%'")
        defs = cur.fetchall()
    for table, columns in SEARCHED_COLUMNS.items():
        for column in columns:
            assert any(t == table and f"USING gin ({column} gin_trgm_ops)" in d for t, d in defs), (
                table,
                column,
            )
    assert len(defs) == sum(len(c) for c in SEARCHED_COLUMNS.values())


def test_postgresql_matches_with_a_plain_like_the_index_serves(require_postgres, cast):
    from accounts.models import Client

    chinese = str(Client.objects.filter(name__searchcontains="翡翠公").query)
    assert " LIKE " in chinese and "ILIKE" not in chinese and "UPPER" not in chinese
    latin = str(Client.objects.filter(name__searchcontains="inv").query)
    assert " ILIKE " in latin and "UPPER" not in latin


def test_index_names_are_stable_and_short():
    name = trigram_index_name("meetings", "actionitem", "text")
    assert name == trigram_index_name("meetings", "actionitem", "text")
    assert len(name) <= 30
