"""An idempotent demo agency: one user per role, clients, teams, contacts, check-ins.

    python manage.py seed_demo            # the demo agency (safe to run again)
    python manage.py seed_demo --scale 100  # plus 100x generated clients/users/check-ins

Other apps add their demo data through hooks: each app may define
`<app>/demo.py` with `seed(stdout, users, clients)` and `seed_scale(stdout, n)`.
After them, the project-level `demo_reminders.py` (beside manage.py) leaves
reminders due now; it uses billing and meetings together, which no app may.
The hooks are loaded by module name, so this command (in accounts) imports no
app above accounts.
"""

import datetime as dt
import importlib
import random

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import CheckIn, Client, Contact, Party, TeamMembership, User
from agency.roles import Role

# In order: each app's demo after the apps it builds on, then the project-level one.
DEMO_MODULES = ("plans.demo", "briefs.demo", "meetings.demo", "billing.demo", "demo_reminders")

DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented in README for the demo logins
# seed_demo --demo-totp only (DEBUG): the documented second factor of the demo logins.
DEMO_TOTP_SECRET = "AGENCYDEMOTOTPAGENCYDEMOTOTPDEMO"  # noqa: S105

# username, full name, role, department head, language
DEMO_USERS = [
    ("md", "王总 Wang Wei", Role.MD, True, "zh-hans"),
    ("bd", "李明 Li Ming", Role.BD, True, "zh-hans"),
    ("ad", "陈静 Chen Jing", Role.AD, True, "zh-hans"),
    ("am", "张伟 Zhang Wei", Role.AM, False, "zh-hans"),
    ("ae", "刘洋 Liu Yang", Role.AE, False, "en"),
    ("cd", "赵雷 Zhao Lei", Role.CREATIVE_DIRECTOR, True, "zh-hans"),
    ("copy", "孙悦 Sun Yue", Role.CREATIVE, False, "zh-hans"),
    ("art", "周杰 Zhou Jie", Role.CREATIVE, False, "en"),
    ("planner", "吴芳 Wu Fang", Role.PLANNER, True, "zh-hans"),
    ("media", "郑浩 Zheng Hao", Role.MEDIA, False, "zh-hans"),
    ("traffic", "冯丽 Feng Li", Role.TRAFFIC, False, "zh-hans"),
    ("finance", "何敏 He Min", Role.FINANCE, True, "zh-hans"),
    ("admin", "Admin", Role.ADMIN, False, "en"),
]

DEMO_CLIENTS = [
    {
        "name": "华远地产 Huayuan Properties",
        "short_name": "华远",
        "industry": Client.Industry.REAL_ESTATE,
        "invoice_title": "华远地产股份有限公司",
        "tax_id": "91110000100012345X",
        "payment_terms_days": 45,
        "since": dt.date(2021, 3, 1),
        "team": [
            ("ad", True),
            ("am", False),
            ("ae", False),
            ("cd", False),
            ("copy", False),
            ("art", False),
            ("planner", False),
            ("media", False),
            ("traffic", False),
            ("bd", False),
        ],
        "contacts": [
            (
                "陈总",
                "营销副总裁",
                "decision_maker",
                "他说“去化率”,不说“销售率”;关注每月认购套数。",
            ),
            ("林经理", "品牌经理", "influencer", "喜欢说“调性”、“圈层”。"),
            ("小马", "策划专员", "executor", ""),
        ],
        "parties": [
            ("华远地产集团", Party.Kind.DEVELOPER),
            ("世联行销售代理", Party.Kind.SALES_AGENCY),
            ("北京青年报广告部", Party.Kind.MEDIA),
            ("第一太平戴维斯物业", Party.Kind.PROPERTY_MANAGER),
        ],
        "checkins": [
            (CheckIn.Topic.BUSINESS, "二期认购进度低于预期,客户希望十月前开盘造势。"),
            (CheckIn.Topic.MARKET, "周边竞品降价 5%,客户担心价格战。"),
            (CheckIn.Topic.CLIENT_PROBLEM, "真正的问题是首次置业客群对区域认知不足,而非价格。"),
        ],
    },
    {
        "name": "Northwind Beverages",
        "short_name": "Northwind",
        "industry": Client.Industry.FMCG,
        "invoice_title": "Northwind Beverages (Shanghai) Co., Ltd.",
        "tax_id": "91310000MA1FL0001A",
        "payment_terms_days": 30,
        "since": dt.date(2023, 6, 1),
        "team": [("am", True), ("ae", False), ("cd", False), ("copy", False), ("planner", False)],
        "contacts": [
            (
                "Emily Zhou",
                "Marketing Director",
                "decision_maker",
                "Says 'shopper journey', not 'consumer'.",
            ),
            ("Jason Wu", "Brand Manager", "executor", ""),
        ],
        "parties": [],
        "checkins": [
            (CheckIn.Topic.BUSINESS, "Q3 volume flat; the client wants a summer push."),
        ],
    },
    {
        "name": "Apex Motors",
        "short_name": "Apex",
        "industry": Client.Industry.AUTOMOTIVE,
        "invoice_title": "Apex Motors China Ltd.",
        "tax_id": "91440300MA5D00002B",
        "payment_terms_days": 60,
        "since": dt.date(2022, 1, 15),
        "team": [("ad", True), ("ae", False), ("art", False)],
        "contacts": [("Mr. Huang", "Head of Marketing", "decision_maker", "")],
        "parties": [("Apex Dealer Network", Party.Kind.OTHER)],
        "checkins": [(CheckIn.Topic.MARKET, "EV competitors are pricing aggressively.")],
    },
]


class Command(BaseCommand):
    help = "Load the demo agency (idempotent). --scale N adds N x generated data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="generate N x extra data")
        parser.add_argument(
            "--demo-totp",
            action="store_true",
            help=(
                "pre-enrol the MD, BD and finance demo logins with the documented demo "
                "TOTP secret (DEBUG only; without it they enrol at first login)"
            ),
        )

    def handle(self, *args, scale=0, demo_totp=False, **options):
        with transaction.atomic():
            users = self.seed_users()
            clients = self.seed_clients(users)
            for name in DEMO_MODULES:
                module = self._demo_module(name)
                if module and hasattr(module, "seed"):
                    module.seed(stdout=self.stdout, users=users, clients=clients)
        if scale:
            self.seed_scale(scale)
            for name in DEMO_MODULES:
                module = self._demo_module(name)
                if module and hasattr(module, "seed_scale"):
                    module.seed_scale(stdout=self.stdout, n=scale)
        if demo_totp:
            self.seed_demo_totp(users)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Password for every demo login: {DEMO_PASSWORD}")
        )

    def seed_demo_totp(self, users):
        """The demo second factor: one published secret, so DEBUG only (a known
        secret is no second factor; it must never reach a real database)."""
        from django.conf import settings
        from django.core.management.base import CommandError

        from accounts.mfa import demo_enrol, mfa_required

        if not settings.DEBUG:
            raise CommandError("--demo-totp is for a DEBUG demo only.")
        for user in users.values():
            if mfa_required(user):
                demo_enrol(user, DEMO_TOTP_SECRET)
        self.stdout.write(
            f"Demo second factor for MD/BD/finance: TOTP secret {DEMO_TOTP_SECRET} "
            "(add it to any authenticator app)."
        )

    @staticmethod
    def _demo_module(name):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
            return None

    def seed_users(self) -> dict[str, User]:
        users = {}
        password = make_password(DEMO_PASSWORD)
        for username, full_name, role, head, language in DEMO_USERS:
            user, _created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "role": role,
                    "is_department_head": head,
                    "language": language,
                    "email": f"{username}@agency.local",
                    "password": password,
                    "is_staff": role == Role.ADMIN,
                    "is_superuser": role == Role.ADMIN,
                },
            )
            users[username] = user
        return users

    def seed_clients(self, users) -> dict[str, Client]:
        clients = {}
        today = timezone.localdate()
        for spec in DEMO_CLIENTS:
            client, created = Client.objects.get_or_create(
                name=spec["name"],
                defaults={
                    k: spec[k]
                    for k in (
                        "short_name",
                        "industry",
                        "invoice_title",
                        "tax_id",
                        "payment_terms_days",
                        "since",
                    )
                },
            )
            clients[spec["short_name"]] = client
            if not created:
                continue
            for username, lead in spec["team"]:
                user = users[username]
                TeamMembership.objects.create(
                    client=client,
                    user=user,
                    team_role=user.role,
                    is_lead=lead,
                    expectations="" if not lead else "每周一向团队同步客户动态;对利润负责。",
                )
            for name, title, audience, words in spec["contacts"]:
                Contact.objects.create(
                    client=client,
                    name=name,
                    title=title,
                    audience_role=audience,
                    their_words=words,
                    email=f"contact{Contact.objects.count() + 1}@client.example",
                )
            for name, kind in spec["parties"]:
                Party.objects.create(client=client, name=name, kind=kind)
            lead = next(users[u] for u, is_lead in spec["team"] if is_lead)
            for i, (topic, notes) in enumerate(spec["checkins"]):
                CheckIn.objects.create(
                    client=client,
                    author=lead,
                    topic=topic,
                    notes=notes,
                    date=today - dt.timedelta(days=7 * (len(spec["checkins"]) - i)),
                )
        return clients

    def seed_scale(self, n: int) -> None:
        """Bulk-insert n x (10 clients, 5 users, 50 check-ins, teams): fast at n=100."""
        rng = random.Random(n)  # deterministic per scale
        start = User.objects.filter(username__startswith="gen-user-").count()
        password = make_password(DEMO_PASSWORD)
        roles = [Role.AD, Role.AM, Role.AE, Role.CREATIVE, Role.CREATIVE_DIRECTOR, Role.PLANNER]
        new_users = [
            User(
                username=f"gen-user-{start + i}",
                full_name=f"员工 {start + i}",
                role=roles[i % len(roles)],
                email=f"gen{start + i}@agency.local",
                password=password,
            )
            for i in range(5 * n)
        ]
        User.objects.bulk_create(new_users, batch_size=1000)
        new_users = list(
            User.objects.filter(username__startswith="gen-user-").order_by("-pk")[: 5 * n]
        )
        cstart = Client.objects.filter(name__startswith="Generated client ").count()
        industries = [c for c, _ in Client.Industry.choices]
        new_clients = [
            Client(
                name=f"Generated client {cstart + i:06d}",
                short_name=f"G{cstart + i}",
                industry=industries[i % len(industries)],
                payment_terms_days=rng.choice([30, 45, 60]),
                since=dt.date(2020, 1, 1) + dt.timedelta(days=i % 1500),
            )
            for i in range(10 * n)
        ]
        Client.objects.bulk_create(new_clients, batch_size=1000)
        new_clients = list(
            Client.objects.filter(name__startswith="Generated client ").order_by("-pk")[: 10 * n]
        )
        memberships, checkins = [], []
        for i, client in enumerate(new_clients):
            team = rng.sample(new_users, k=min(3, len(new_users)))
            for j, user in enumerate(team):
                memberships.append(
                    TeamMembership(client=client, user=user, team_role=user.role, is_lead=j == 0)
                )
            for k in range(5):
                checkins.append(
                    CheckIn(
                        client=client,
                        author=team[0],
                        topic=CheckIn.Topic.BUSINESS,
                        notes=f"Generated check-in {k}",
                        date=timezone.localdate() - dt.timedelta(days=k * 7 + i % 7),
                    )
                )
        TeamMembership.objects.bulk_create(memberships, batch_size=2000, ignore_conflicts=True)
        CheckIn.objects.bulk_create(checkins, batch_size=2000)
        self.stdout.write(
            f"Scaled: +{len(new_users)} users, +{len(new_clients)} clients, +{len(checkins)} check-ins"
        )
