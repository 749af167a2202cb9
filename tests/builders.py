"""Named personas for tests, the same on every backend.

Organisation "Zon" (zon.example): location Centrum with groups Dolfijnen and Vlinders.
- Anna and Bram Vos are the guardians of Bo (Dolfijnen, daycare Mon+Wed).
- Carla Kok is the guardian of Cas (Dolfijnen) and of Cato, whose placement ended 8 weeks ago.
- Dani Bakker is the guardian of Dex (Vlinders), whose placement ended 3 weeks ago.
- Sita (staff) works in Dolfijnen; Tim (staff) works in Vlinders.
- Eva Smit has not activated her account; her son Eli starts in 4 weeks.
Organisation "Maan" (maan.example): guardian Mo with child Mila; staff Mara. Mo's e-mail is
also Anna's: a parent with care at two organisations has two accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from gateway.auth.passwords import hash_password
from gateway.ids import to_global_id
from gateway.models import (
    Account,
    CareType,
    Child,
    Group,
    GroupSlot,
    Guardian,
    Location,
    Organisation,
    Placement,
    PlacementDay,
    Role,
    StaffGroup,
    StaffMember,
)
from gateway.services.accounts import issue_token
from gateway.services.guardianships import add_guardian
from tests.support import Database

PASSWORD = "correct horse battery"


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass
class Persona:
    account_id: int
    email: str
    domain: str
    token: str
    person_id: int


@dataclass
class World:
    db: Database
    now: datetime
    people: dict[str, Persona] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def gid(self, type_name: str, name: str) -> str:
        return to_global_id(type_name, self.ids[name])

    def token(self, name: str) -> str:
        return self.people[name].token

    @classmethod
    async def build(cls, db: Database, now: datetime) -> World:
        world = cls(db=db, now=now)
        await world._populate()
        return world

    async def _populate(self) -> None:
        today = self.now.date()
        async with self.db.sessionmaker() as s:
            zon = Organisation(name="Zon", domain="zon.example")
            maan = Organisation(name="Maan", domain="maan.example")
            s.add_all([zon, maan])
            await s.flush()
            centrum = Location(organisation_id=zon.id, name="Centrum", city="Utrecht")
            hof = Location(organisation_id=maan.id, name="Hof", city="Delft")
            s.add_all([centrum, hof])
            await s.flush()
            dolfijnen = Group(
                organisation_id=zon.id, location_id=centrum.id, name="Dolfijnen", capacity=12
            )
            vlinders = Group(
                organisation_id=zon.id, location_id=centrum.id, name="Vlinders", capacity=10
            )
            sterren = Group(organisation_id=maan.id, location_id=hof.id, name="Sterren", capacity=8)
            s.add_all([dolfijnen, vlinders, sterren])
            await s.flush()
            for group in (dolfijnen, vlinders, sterren):
                s.add(
                    GroupSlot(
                        group_id=group.id,
                        name="Hele dag",
                        start_time=time(7, 30),
                        end_time=time(18, 30),
                    )
                )
            self.ids.update(
                zon=zon.id,
                maan=maan.id,
                centrum=centrum.id,
                hof=hof.id,
                dolfijnen=dolfijnen.id,
                vlinders=vlinders.id,
                sterren=sterren.id,
            )

            async def guardian(
                name: str, org: Organisation, email: str, active: bool = True
            ) -> Guardian:
                first, last = name.split(" ", 1)
                person = Guardian(
                    organisation_id=org.id, first_name=first, last_name=last, phone="06 1234 5678"
                )
                s.add(person)
                await s.flush()
                account = Account(
                    organisation_id=org.id,
                    email=email,
                    role=Role.GUARDIAN,
                    guardian_id=person.id,
                    password_hash=password_hash() if active else None,
                    activated_at=self.now if active else None,
                )
                s.add(account)
                await s.flush()
                await self._persona(s, first.lower(), account, org.domain, person.id, active)
                return person

            async def staff(first: str, org: Organisation, groups: list[Group]) -> None:
                person = StaffMember(organisation_id=org.id, first_name=first, last_name="Staff")
                s.add(person)
                await s.flush()
                s.add_all(StaffGroup(staff_member_id=person.id, group_id=g.id) for g in groups)
                account = Account(
                    organisation_id=org.id,
                    email=f"{first.lower()}@{org.domain}",
                    role=Role.STAFF,
                    staff_member_id=person.id,
                    password_hash=password_hash(),
                    activated_at=self.now,
                )
                s.add(account)
                await s.flush()
                await self._persona(s, first.lower(), account, org.domain, person.id, True)

            async def child(
                name: str,
                org: Organisation,
                parents: list[Guardian],
                group: Group,
                start: date,
                end: date | None = None,
                care_type: CareType = CareType.DAYCARE,
            ) -> None:
                first, last = name.split(" ", 1)
                kid = Child(
                    organisation_id=org.id,
                    first_name=first,
                    last_name=last,
                    birth_date=today - timedelta(days=800),
                )
                s.add(kid)
                await s.flush()
                for parent in parents:
                    await add_guardian(s, kid, parent)
                placement = Placement(
                    organisation_id=org.id,
                    child_id=kid.id,
                    group_id=group.id,
                    care_type=care_type,
                    start_date=start,
                    end_date=end,
                    flex_pot_minutes=2400 if care_type is CareType.FLEX else None,
                )
                s.add(placement)
                await s.flush()
                s.add_all(
                    [
                        PlacementDay(
                            placement_id=placement.id,
                            weekday=0,
                            start_time=time(8),
                            end_time=time(18),
                        ),
                        PlacementDay(
                            placement_id=placement.id,
                            weekday=2,
                            start_time=time(8),
                            end_time=time(13),
                        ),
                    ]
                )
                self.ids[first.lower()] = kid.id
                self.ids[f"{first.lower()}_placement"] = placement.id

            anna = await guardian("Anna Vos", zon, "anna@example.nl")
            bram = await guardian("Bram Vos", zon, "bram@example.nl")
            carla = await guardian("Carla Kok", zon, "carla@example.nl")
            dani = await guardian("Dani Bakker", zon, "dani@example.nl")
            eva = await guardian("Eva Smit", zon, "eva@example.nl", active=False)
            mo = await guardian("Mo Vos", maan, "anna@example.nl")
            await staff("Sita", zon, [dolfijnen])
            await staff("Tim", zon, [vlinders])
            await staff("Mara", maan, [sterren])
            long_ago = today - timedelta(days=400)
            await child("Bo Vos", zon, [anna, bram], dolfijnen, long_ago)
            await child("Cas Kok", zon, [carla], dolfijnen, long_ago)
            await child("Cato Kok", zon, [carla], dolfijnen, long_ago, today - timedelta(weeks=8))
            await child("Dex Bakker", zon, [dani], vlinders, long_ago, today - timedelta(weeks=3))
            await child("Eli Smit", zon, [eva], dolfijnen, today + timedelta(weeks=4))
            await child("Mila Vos", maan, [mo], sterren, long_ago)
            self.ids.update(
                anna_guardian=anna.id,
                carla_guardian=carla.id,
                dani_guardian=dani.id,
                mo_guardian=mo.id,
            )
            await s.commit()

    async def _persona(
        self, s: object, key: str, account: Account, domain: str, person_id: int, active: bool
    ) -> None:
        token = ""
        if active:
            login = await issue_token(s, account, self.now, timedelta(days=30))  # type: ignore[arg-type]
            token = login.token
        self.people[key] = Persona(account.id, account.email, domain, token, person_id)
