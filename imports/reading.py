"""Read an uploaded .xlsx or .csv into rows of {field: text}, headers matched.

The sheet is read with tablib (the engine of django-import-export). A CSV is
UTF-8 (with or without the BOM Excel writes) or GBK (what Chinese Excel saves
as "CSV"); GB18030 is read as the superset of GBK. Column headers are matched
in Chinese or English, case, spaces and brackets ignored (`HEADERS`).
"""

import re

import tablib
from django.utils.translation import gettext_lazy as _

from agency.errors import DomainError

# field -> the headers that name it (Chinese first: the downloadable template's).
HEADERS = {
    "client_name": ("客户名称", "客户", "公司名称", "client name", "client", "company"),
    "tax_id": (
        "统一社会信用代码",
        "信用代码",
        "纳税人识别号",
        "税号",
        "unified social credit code",
        "uscc",
        "tax id",
    ),
    "short_name": ("客户简称", "简称", "short name"),
    "industry": ("行业", "industry"),
    "invoice_title": ("发票抬头", "invoice title"),
    "payment_terms_days": ("账期（天）", "账期", "payment terms (days)", "payment terms"),
    "contact_name": ("联系人", "联系人姓名", "contact name", "contact"),
    "contact_title": ("职务", "职位", "title", "job title"),
    "contact_phone": ("手机", "手机号", "电话", "联系电话", "phone", "mobile"),
    "contact_email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "audience_role": ("角色", "受众角色", "audience role", "role"),
    "party_name": ("合作方", "合作方名称", "cooperating party", "party"),
    "party_kind": ("合作方类型", "合作方角色", "party role", "party kind"),
    "member": ("团队成员", "成员", "team member", "member"),
    "team_role": ("团队角色", "team role"),
    "is_lead": ("客户负责人", "负责人", "account lead", "lead"),
}

ERR_FILE_TYPE = _("Upload an .xlsx or .csv file.")
ERR_FILE_UNREADABLE = _("The file could not be read: %(error)s")
ERR_ENCODING = _("The CSV file is neither UTF-8 nor GBK.")
ERR_NO_CLIENT_COLUMN = _("No client name column (客户名称 / client name) found.")
ERR_NO_COLUMN = _("No %(column)s column found.")
ERR_EMPTY = _("The file has no rows.")
ERR_TOO_MANY_ROWS = _("At most %(max)s rows can be imported at once.")

MAX_ROWS = 5000


def _norm(header) -> str:
    text = str(header or "").replace("\ufeff", "").strip().lower()
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", " ", text)


def match_headers(headers, known=None) -> dict[int, str]:
    """{column index: field} for the headers we know; unknown columns are ignored."""
    lookup = {_norm(h): field for field, names in (known or HEADERS).items() for h in names}
    found = {}
    for i, header in enumerate(headers):
        field = lookup.get(_norm(header))
        if field and field not in found.values():
            found[i] = field
    return found


def decode_csv(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(ERR_ENCODING)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 30 as 30.0
    return str(value).strip()


def read_rows(
    file_name: str, content: bytes, headers=None, required="client_name"
) -> list[tuple[int, dict]]:
    """[(line number in the file, {field: text})]; blank rows left out.

    `headers` is {field: names} (default: the client sheet's HEADERS);
    `required` the field without which the file is refused.
    """
    name = file_name.lower()
    try:
        if name.endswith(".xlsx"):
            data = tablib.Dataset().load(content, format="xlsx")
        elif name.endswith(".csv"):
            data = tablib.Dataset().load(decode_csv(content), format="csv")
        else:
            raise DomainError(ERR_FILE_TYPE)
    except DomainError:
        raise
    except Exception as e:
        raise DomainError(ERR_FILE_UNREADABLE, error=str(e)[:200]) from None
    columns = match_headers(data.headers or [], headers or HEADERS)
    if required not in columns.values():
        if required == "client_name":
            raise DomainError(ERR_NO_CLIENT_COLUMN)
        names = (headers or HEADERS)[required]
        raise DomainError(ERR_NO_COLUMN, column=f"{names[0]} / {names[-1]}")
    if len(data) > MAX_ROWS:
        raise DomainError(ERR_TOO_MANY_ROWS, max=MAX_ROWS)
    rows = []
    for n, raw in enumerate(data, start=2):  # line 1 is the header
        row = {field: _cell(raw[i]) for i, field in columns.items() if i < len(raw)}
        if any(row.values()):
            rows.append((n, row))
    if not rows:
        raise DomainError(ERR_EMPTY)
    return rows


def receivables_template() -> tablib.Dataset:
    from .receivables import HEADERS as RECEIVABLES

    data = tablib.Dataset(headers=[names[0] for names in RECEIVABLES.values()])
    data.append(
        [
            "示例地产有限公司",
            "91310000MA1FL0000X",
            "OLD-2025-0042",
            "12345678",
            "2025-10-15",
            "2025-11-14",
            "106000.00",
            "53000.00",
            "CNY",
        ]
    )
    return data


def template_dataset(kind: str = "clients") -> tablib.Dataset:
    """The downloadable template: the Chinese headers and one example row."""
    if kind == "receivables":
        return receivables_template()
    data = tablib.Dataset(
        headers=[names[0] for names in HEADERS.values()],
    )
    data.append(
        [
            "示例地产有限公司",
            "91310000MA1FL0000X",
            "示例地产",
            "房地产",
            "示例地产有限公司",
            "30",
            "王芳",
            "市场总监",
            "13800000000",
            "wang.fang@example.com",
            "决定者",
            "示例销售代理",
            "销售代理",
            "",
            "",
            "",
        ]
    )
    return data
