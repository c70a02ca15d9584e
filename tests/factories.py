import datetime as dt

import factory
from factory.django import DjangoModelFactory

from accounts.models import CheckIn, Client, Contact, Party, TeamMembership, User
from agency.roles import Role


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"员工{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@agency.test")
    role = Role.AE
    language = "en"
    password = factory.django.Password("pw")


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    short_name = factory.Sequence(lambda n: f"C{n}")
    industry = Client.Industry.REAL_ESTATE
    invoice_title = factory.LazyAttribute(lambda c: f"{c.name} Ltd.")
    tax_id = "91110000100000000X"
    payment_terms_days = 30


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = TeamMembership

    client = factory.SubFactory(ClientFactory)
    user = factory.SubFactory(UserFactory)
    team_role = factory.LazyAttribute(lambda m: m.user.role)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    email = factory.Sequence(lambda n: f"contact{n}@client.test")
    audience_role = Contact.AudienceRole.DECISION_MAKER


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Party {n}")
    kind = Party.Kind.DEVELOPER


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    client = factory.SubFactory(ClientFactory)
    author = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(dt.date.today)
    topic = CheckIn.Topic.BUSINESS
    notes = "Notes"
