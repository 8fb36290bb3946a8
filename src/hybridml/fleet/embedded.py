"""The embedded fleet as one object: server + seed + simulator. Used by tests, benchmarks and headless
`--demo` commands (the TUI's `--demo` runs the same fleet in a child process: `fleet/process.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from hybridml.fleet.containers import HOST
from hybridml.fleet.seed import SeededFleet, seed_fleet
from hybridml.fleet.server import (
    DEMO_ACCESS_KEY,
    DEMO_REGION,
    DEMO_SECRET_KEY,
    MotoServer,
    start_moto_server,
)
from hybridml.fleet.simulator import Simulator


@dataclass
class EmbeddedFleet:
    server: MotoServer
    seeded: SeededFleet
    simulator: Simulator

    @property
    def url(self) -> str:
        return self.server.url

    region = DEMO_REGION
    access_key = DEMO_ACCESS_KEY
    secret_key = DEMO_SECRET_KEY

    @classmethod
    def start(
        cls,
        *,
        jobs: int = 300,
        simulate: bool = True,
        interval_s: float = 1.0,
        hostile: bool = False,
        run_containers: bool = False,
    ) -> EmbeddedFleet:
        """`run_containers`: the fleet runs the bundled YOLO container for what is launched on it (after seeding;
        see fleet/containers.py)."""
        server = start_moto_server()
        try:
            seeded = seed_fleet(server.url, jobs=jobs)
        except BaseException:
            server.stop()
            raise
        simulator = Simulator(seeded)
        if hostile:  # the hostile resources (fleet/hostile.py), left alone by the simulator
            from hybridml.fleet.hostile import pin, seed_hostile

            pin(simulator, seed_hostile(server.url))
        if simulate:
            simulator.start(interval_s)
        HOST.enabled = run_containers
        return cls(server=server, seeded=seeded, simulator=simulator)

    def stop(self) -> None:
        HOST.shutdown()
        HOST.enabled = False
        self.simulator.stop()
        self.server.stop()
