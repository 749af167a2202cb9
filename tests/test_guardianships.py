"""A child has one or two guardians, from its own organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gateway.errors import DomainError, ErrorCode
from gateway.models import Child, Guardian, Guardianship
from gateway.services.guardianships import add_guardian
from tests.builders import World


async def test_a_third_guardian_is_refused(world: World) -> None:
    async with world.db.sessionmaker() as session:
        bo = await session.get(Child, world.ids["bo"])
        carla = await session.get(Guardian, world.ids["carla_guardian"])
        assert bo is not None
        assert carla is not None

        with pytest.raises(DomainError) as refused:
            await add_guardian(session, bo, carla)

        assert refused.value.code is ErrorCode.CONFLICT
        count = len(
            (
                await session.scalars(select(Guardianship).where(Guardianship.child_id == bo.id))
            ).all()
        )
        assert count == 2


async def test_a_guardian_of_another_organisation_is_refused(world: World) -> None:
    async with world.db.sessionmaker() as session:
        cas = await session.get(Child, world.ids["cas"])
        mo = await session.get(Guardian, world.ids["mo_guardian"])
        assert cas is not None
        assert mo is not None

        with pytest.raises(DomainError) as refused:
            await add_guardian(session, cas, mo)

        assert refused.value.code is ErrorCode.INVALID_INPUT


async def test_a_second_guardian_is_added(world: World) -> None:
    async with world.db.sessionmaker() as session:
        cas = await session.get(Child, world.ids["cas"])
        dani = await session.get(Guardian, world.ids["dani_guardian"])
        assert cas is not None
        assert dani is not None

        await add_guardian(session, cas, dani)
        await session.commit()

    async with world.db.sessionmaker() as session:
        guardians = await session.scalars(
            select(Guardianship.guardian_id).where(Guardianship.child_id == world.ids["cas"])
        )
        assert sorted(guardians) == sorted(
            [world.ids["carla_guardian"], world.ids["dani_guardian"]]
        )
