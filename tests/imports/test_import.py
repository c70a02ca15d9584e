import io

import openpyxl
import pytest
import tablib
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Client, Contact, Party, TeamMembership
from agency.roles import Role
from imports import services
from imports.models import Batch
from imports.reading import ERR_NO_CLIENT_COLUMN, HEADERS, read_rows
from tests.factories import ClientFactory, UserFactory
from tests.helpers import assert_refused

ZH = ["客户名称", "统一社会信用代码", "联系人", "手机", "角色"]
ROWS = [
    ["星河地产有限公司", "91310000MA1FL1111A", "李明", "13800000001", "决定者"],
    ["东方饮品有限公司", "91310000MA1FL2222B", "张伟", "13800000002", "影响者"],
]


def xlsx(headers, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(headers, rows) -> str:
    return "\n".join(",".join(r) for r in [headers, *rows]) + "\n"


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin-1", role=Role.ADMIN, is_staff=True)


def run(actor, content, name="clients.xlsx", **kw):
    return services.import_run(actor=actor, file_name=name, content=content, **kw)


def test_a_chinese_xlsx_creates_the_rows_and_again_updates_them(admin_user):
    content = xlsx(ZH, ROWS)
    first = run(admin_user, content)
    assert (first.created, first.updated, first.error_count) == (2, 0, 0)
    client = Client.objects.get(tax_id="91310000MA1FL1111A")
    assert client.name == "星河地产有限公司"
    contact = client.contacts.get()
    assert (contact.name, contact.phone) == ("李明", "13800000001")
    assert contact.audience_role == Contact.AudienceRole.DECISION_MAKER
    assert Contact.objects.get(name="张伟").audience_role == Contact.AudienceRole.INFLUENCER

    again = run(admin_user, content, update_existing=True)
    assert (again.created, again.updated, again.error_count) == (0, 2, 0)
    assert Client.objects.filter(tax_id__startswith="91310000MA1FL").count() == 2
    assert Contact.objects.filter(name__in=["李明", "张伟"]).count() == 2


def test_again_without_update_existing_skips_the_known_clients(admin_user):
    run(admin_user, xlsx(ZH, ROWS))
    again = run(admin_user, xlsx(ZH, ROWS))
    assert (again.created, again.updated, again.skipped) == (0, 0, 2)
    assert again.batch is None  # nothing written, no batch to undo


def test_a_gbk_csv_imports(admin_user):
    content = csv_text(ZH, ROWS).encode("gbk")
    result = run(admin_user, content, name="客户.csv")
    assert result.created == 2
    assert Client.objects.filter(name="东方饮品有限公司").exists()


def test_a_utf8_csv_with_bom_and_english_headers_imports(admin_user):
    headers = ["Client name", "Tax ID", "Contact", "Phone", "Audience role"]
    content = ("\ufeff" + csv_text(headers, [["Acme", "X1", "Bob", "1", "Executor"]])).encode()
    result = run(admin_user, content, name="clients.csv")
    assert result.created == 1
    assert Contact.objects.get(name="Bob").audience_role == Contact.AudienceRole.EXECUTOR


def test_duplicates_match_on_the_credit_code_then_the_name(admin_user):
    by_code = ClientFactory(name="Old name Co", tax_id="91310000MA1FL1111A")
    by_name = ClientFactory(name="东方饮品有限公司", tax_id="")
    result = run(admin_user, xlsx(ZH, ROWS), update_existing=True)
    assert (result.created, result.updated) == (0, 2)
    by_code.refresh_from_db()
    by_name.refresh_from_db()
    assert by_code.name == "星河地产有限公司"  # the row's name, the same client
    assert by_name.tax_id == "91310000MA1FL2222B"


def test_a_dry_run_shows_every_row_and_writes_nothing(admin_user):
    rows = [*ROWS, ["坏数据公司", "", "王五", "1", "老板"]]
    result = run(admin_user, xlsx(ZH, rows), dry_run=True)
    assert [r.action for r in result.rows] == ["created", "created", "error"]
    assert result.rows[2].line == 4
    assert "老板" in result.rows[2].errors[0]
    assert not Client.objects.filter(name__in=["星河地产有限公司", "坏数据公司"]).exists()
    assert not Batch.objects.exists()


def test_one_bad_row_is_reported_and_the_rest_go_in(admin_user):
    rows = [ROWS[0], ["坏数据公司", "", "王五", "1", "老板"], ROWS[1]]
    result = run(admin_user, xlsx(ZH, rows))
    assert [r.action for r in result.rows] == ["created", "error", "created"]
    assert Client.objects.filter(name__in=["星河地产有限公司", "东方饮品有限公司"]).count() == 2
    assert not Client.objects.filter(name="坏数据公司").exists()
    assert result.batch.errors == 1


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(admin_user):
    rows = [ROWS[0], ["坏数据公司", "", "王五", "1", "老板"]]
    result = run(admin_user, xlsx(ZH, rows), all_or_nothing=True)
    assert not result.written
    assert not Client.objects.filter(name="星河地产有限公司").exists()
    assert not Batch.objects.exists()


def test_undo_removes_the_batch(admin_user):
    before = set(Client.objects.values_list("pk", flat=True))
    result = run(admin_user, xlsx(ZH, ROWS))
    services.batch_undo(actor=admin_user, batch=result.batch)
    assert set(Client.objects.values_list("pk", flat=True)) == before
    assert not Contact.objects.filter(name__in=["李明", "张伟"]).exists()
    result.batch.refresh_from_db()
    assert result.batch.status == Batch.Status.UNDONE
    assert_refused(services.batch_undo, services.ERR_UNDONE, actor=admin_user, batch=result.batch)


def test_undo_restores_what_an_update_changed(admin_user):
    client = ClientFactory(name="星河地产有限公司", tax_id="", short_name="星河")
    result = run(admin_user, xlsx(ZH, ROWS[:1]), update_existing=True)
    client.refresh_from_db()
    assert client.tax_id == "91310000MA1FL1111A"
    services.batch_undo(actor=admin_user, batch=result.batch)
    client.refresh_from_db()
    assert (client.tax_id, client.short_name) == ("", "星河")
    assert not client.contacts.exists()


def test_undo_is_refused_once_a_row_was_edited_and_nothing_changes(admin_user):
    result = run(admin_user, xlsx(ZH, ROWS))
    Contact.objects.filter(name="李明").update(phone="13900000000")
    assert_refused(
        services.batch_undo, services.ERR_EDITED_SINCE, actor=admin_user, batch=result.batch
    )
    assert Client.objects.filter(name="星河地产有限公司").exists()
    result.batch.refresh_from_db()
    assert result.batch.status == Batch.Status.DONE


def test_undo_is_refused_once_a_created_client_was_used(admin_user, cast):
    result = run(admin_user, xlsx(ZH, ROWS))
    client = Client.objects.get(name="星河地产有限公司")
    Party.objects.create(client=client, name="Later party", kind=Party.Kind.MEDIA)
    assert_refused(
        services.batch_undo, services.ERR_USED_SINCE, actor=admin_user, batch=result.batch
    )
    assert Client.objects.filter(pk=client.pk).exists()


def test_parties_and_team_members_import_and_obey_the_team_roles(admin_user, cast):
    headers = ["客户名称", "合作方", "合作方类型", "团队成员", "团队角色"]
    rows = [
        ["新客户", "示例销售代理", "销售代理", "cast-ae", "AE"],
        ["新客户", "", "", "cast-copywriter", "客户总监"],  # a creative cannot be AD
    ]
    result = run(admin_user, xlsx(headers, rows))
    assert [r.action for r in result.rows] == ["created", "error"]
    assert "may hold only these team roles" in result.rows[1].errors[0]
    client = Client.objects.get(name="新客户")
    assert client.parties.get().kind == Party.Kind.SALES_AGENCY
    assert TeamMembership.objects.get(client=client, user=cast.ae).team_role == Role.AE
    assert not TeamMembership.objects.filter(client=client, user=cast.copywriter).exists()


def test_a_member_row_that_does_not_fit_is_refused_with_the_team_roles_error(admin_user, cast):
    headers = ["客户名称", "团队成员", "团队角色"]
    result = run(admin_user, xlsx(headers, [["新客户", "cast-ae", "AD"]]))
    assert result.rows[0].action == "error"
    assert "may hold only these team roles" in result.rows[0].errors[0]
    assert not Client.objects.filter(name="新客户").exists()


def test_several_rows_of_one_new_client_add_its_contacts(admin_user):
    rows = [["新客户", "", "甲", "1", ""], ["新客户", "", "乙", "2", ""]]
    result = run(admin_user, xlsx(ZH, rows))
    assert [r.action for r in result.rows] == ["created", "updated"]
    assert set(Client.objects.get(name="新客户").contacts.values_list("name", flat=True)) == {
        "甲",
        "乙",
    }


def test_account_service_imports_only_into_clients_they_lead(cast):
    headers = ["客户名称", "联系人"]
    rows = [[cast.client.name, "新联系人"], [cast.other_client.name, "别人"], ["全新客户", "x"]]
    result = run(cast.am, xlsx(headers, rows), update_existing=True)
    assert [r.action for r in result.rows] == ["updated", "error", "error"]
    assert cast.client.contacts.filter(name="新联系人").exists()
    assert not cast.other_client.contacts.filter(name="别人").exists()
    assert not Client.objects.filter(name="全新客户").exists()
    # The AE on the team does not lead it.
    result = run(cast.ae, xlsx(headers, rows[:1]), update_existing=True)
    assert result.rows[0].action == "error"
    assert services.ERR_NOT_LEAD.split("%")[0].strip() in result.rows[0].errors[0]


@pytest.mark.parametrize("who", ["finance", "copywriter", "bd", "md", "planner"])
def test_others_may_not_import(cast, who):
    with pytest.raises(PermissionDenied):
        run(getattr(cast, who), xlsx(ZH, ROWS))
    assert not Client.objects.filter(name="星河地产有限公司").exists()


def test_a_file_without_a_client_column_is_refused():
    assert_refused(read_rows, ERR_NO_CLIENT_COLUMN, "x.csv", b"foo,bar\n1,2\n")


# --- the page -----------------------------------------------------------------


def test_the_page_dry_run_then_import_then_undo(as_user, admin_user):
    web = as_user(admin_user)
    url = reverse("imports:index")
    assert web.get(url).status_code == 200
    upload = SimpleUploadedFile("c.xlsx", xlsx(ZH, ROWS))
    page = web.post(url, {"kind": "clients", "file": upload, "dry_run": "1"})
    assert page.status_code == 200
    assert "星河地产有限公司" in page.content.decode()
    assert not Client.objects.filter(name="星河地产有限公司").exists()
    upload = SimpleUploadedFile("c.xlsx", xlsx(ZH, ROWS))
    page = web.post(url, {"kind": "clients", "file": upload, "import": "1"})
    assert Client.objects.filter(name="星河地产有限公司").exists()
    batch = Batch.objects.get()
    response = web.post(reverse("imports:undo", args=[batch.pk]))
    assert response.status_code == 302
    assert not Client.objects.filter(name="星河地产有限公司").exists()


def test_a_bad_file_is_a_message_not_a_500(as_user, admin_user):
    web = as_user(admin_user)
    upload = SimpleUploadedFile("c.xlsx", b"not a spreadsheet")
    page = web.post(reverse("imports:index"), {"kind": "clients", "file": upload, "import": "1"})
    assert page.status_code == 200
    assert not Batch.objects.exists()


def test_the_page_refuses_other_roles_and_undo_of_anothers_batch_is_404(as_user, admin_user, cast):
    for who in ("copywriter", "md", "bd"):
        assert as_user(getattr(cast, who)).get(reverse("imports:index")).status_code == 403
    result = run(admin_user, xlsx(ZH, ROWS))
    response = as_user(cast.am).post(reverse("imports:undo", args=[result.batch.pk]))
    assert response.status_code == 404
    assert Client.objects.filter(name="星河地产有限公司").exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_templates_download_and_import_as_they_are(as_user, admin_user, fmt):
    response = as_user(admin_user).get(reverse("imports:template", args=["clients", fmt]))
    assert response.status_code == 200
    data = tablib.Dataset().load(
        response.content if fmt == "xlsx" else response.content.decode("utf-8-sig"), format=fmt
    )
    assert data.headers == [names[0] for names in HEADERS.values()]
    result = run(admin_user, response.content, name=f"template.{fmt}")
    assert result.error_count == 0 and result.created == 1
