#!/usr/bin/python3
"""The ROS node round trip: rosmaster, the C orchestrator (examples/orchestrator.c) holding four
`move` tasks, the rxon ROS node (rxon_worker_node) and this script as the robot-side node. The
robot answers three tasks on `rxon/results`; the fourth, `t9`, it leaves running until the
orchestrator cancels it (its heartbeat answer does), which the node announces on
`rxon/cancels` and reports cancelled. Run with Debian's python3 (rospy):

    /usr/bin/python3 test_ros.py path/to/rxon_worker_node path/to/c_orchestrator
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time

import rosgraph
import rospy
from std_msgs.msg import String

TASKS = [{"job_id": f"j{n}", "task_id": f"m{n}", "type": "move", "params": {"x": n}} for n in (1, 2, 3)]
TASKS.append({"job_id": "j9", "task_id": "t9", "type": "move", "params": {"x": 9}})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def until(condition, what, seconds=30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def main():
    node_binary, orchestrator_binary = sys.argv[1:3]
    master = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "ROS_MASTER_URI": master, "ROS_HOSTNAME": "127.0.0.1"}
    os.environ.update(env)
    processes = []
    try:
        processes.append(subprocess.Popen(["rosmaster", "--core", "-p", master.rsplit(":", 1)[1]], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        orchestrator = subprocess.Popen([orchestrator_binary, *map(json.dumps, TASKS)], stdout=subprocess.PIPE, text=True)
        processes.append(orchestrator)
        port = orchestrator.stdout.readline().split()[1]
        calls = []
        threading.Thread(target=lambda: calls.extend(orchestrator.stdout), daemon=True).start()

        until(rosgraph.is_master_online, "rosmaster")
        rospy.init_node("robot", anonymous=True, disable_signals=True)
        results = rospy.Publisher("rxon/results", String, queue_size=16)
        got, cancels = [], []

        def on_task(message):
            task = json.loads(message.data)
            got.append(task["task_id"])
            if task["task_id"] != "t9":  # t9 keeps running until it is cancelled
                # ROS drops what is published before the node's subscription is connected.
                until(lambda: results.get_num_connections() > 0, "the node's subscription to rxon/results")
                results.publish(String(json.dumps({"task_id": task["task_id"], "data": {"moved_to": task["params"]["x"]}})))

        rospy.Subscriber("rxon/tasks", String, on_task)
        rospy.Subscriber("rxon/cancels", String, lambda message: cancels.append(message.data))
        node = subprocess.Popen([node_binary, f"_url:=http://127.0.0.1:{port}", "_worker_id:=ros-1", "_token:=t",
                                 "_skill:=move"], env=env)
        processes.append(node)

        def results_in():
            decoder = json.JSONDecoder()
            return [decoder.raw_decode(line.split(" ", 1)[1])[0] for line in calls if line.startswith("result ")]

        try:
            until(lambda: len(results_in()) == 4, "four results", 60)
        except AssertionError:
            raise AssertionError(f"requests: {calls}, tasks seen by the robot: {got}, cancels: {cancels}") from None
        by_id = {r["task_id"]: r for r in results_in()}
        for n in (1, 2, 3):
            assert by_id[f"m{n}"].get("data") == {"moved_to": n}, by_id
        assert by_id["t9"].get("status") == "cancelled", by_id["t9"]
        assert cancels == ["t9"], cancels
        assert sorted(got) == ["m1", "m2", "m3", "t9"], got
        print("ros: 3 tasks moved by the robot, 1 cancelled by the orchestrator and announced on rxon/cancels")
        node.send_signal(subprocess.signal.SIGINT)
        assert node.wait(timeout=20) == 0, "the node shut down cleanly"
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        rospy.signal_shutdown("done")


if __name__ == "__main__":
    main()
