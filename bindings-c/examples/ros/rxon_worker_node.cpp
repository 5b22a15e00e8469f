// A ROS node that is an RXON worker for a robot: each task of its skill is published on
// `rxon/tasks` (std_msgs/String: {"task_id", "type", "params"}); the result a robot-side node
// publishes on `rxon/results` ({"task_id", "data"} or {"task_id", "error": {"code",
// "message"}}) completes it; a task the orchestrator cancels is announced on `rxon/cancels`
// (its id) and reported cancelled.
//
// Private parameters: ~url, ~worker_id, ~token, ~task_secret (optional), ~skill (default
// "move"), ~concurrency (default 4).
#include <rxon.h>
#include <ros/ros.h>
#include <std_msgs/String.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace {

/// A string the library gave out, freed when it goes.
struct Owned {
  char *text = nullptr;
  ~Owned() { rxon_string_free(&text); }
};

/// The member at `pointer` of `json` as JSON text ("" when absent).
std::string member(const std::string &json, const char *pointer) {
  Owned out;
  if (rxon_json_pointer(json.c_str(), pointer, &out.text) != RXON_OK) return "";
  return out.text;
}

class Node {
 public:
  explicit Node(ros::NodeHandle &nh, rxon_worker_t *worker)
      : worker_(worker),
        tasks_(nh.advertise<std_msgs::String>("rxon/tasks", 16)),
        cancels_(nh.advertise<std_msgs::String>("rxon/cancels", 16)),
        results_(nh.subscribe("rxon/results", 16, &Node::on_result, this)),
        watch_(nh.createTimer(ros::Duration(0.05), &Node::watch_cancels, this)) {}

  /// Takes tasks from the worker and hands them to ROS, until it hands out no more. A task
  /// is taken only while a robot listens on `rxon/tasks` (ROS drops what nobody hears).
  void take_tasks() {
    for (;;) {
      while (ros::ok() && tasks_.getNumSubscribers() == 0) ros::Duration(0.05).sleep();
      rxon_task_t *task = nullptr;
      rxon_result_t got = rxon_worker_next_task(worker_, 200, &task);
      if (got == RXON_ECLOSED || !ros::ok()) break;
      if (got != RXON_OK) continue;
      std::string id = rxon_task_id(task);
      std_msgs::String message;
      // Ids and skill names are identifiers: nothing to escape.
      message.data = "{\"task_id\": \"" + id + "\", \"type\": \"" + rxon_task_type(task) +
                     "\", \"params\": " + rxon_task_params_json(task) + "}";
      {
        std::lock_guard<std::mutex> lock(mutex_);
        in_hand_[id] = task;
      }
      tasks_.publish(message);
    }
  }

 private:
  /// A result from the robot: completes (or fails) its task.
  void on_result(const std_msgs::String::ConstPtr &message) {
    std::string id = member(message->data, "/task_id");
    if (id.size() < 2) return;
    id = id.substr(1, id.size() - 2);  // unquoted (ids are identifiers: no escapes)
    rxon_task_t *task = take(id);
    if (task == nullptr) return;  // not ours, or cancelled meanwhile
    std::string code = member(message->data, "/error/code");
    rxon_result_t reported;
    if (!code.empty()) {
      std::string text = member(message->data, "/error/message");
      reported = rxon_task_fail(task, code.substr(1, code.size() - 2).c_str(), text.c_str());
    } else {
      std::string data = member(message->data, "/data");
      reported = rxon_task_complete(task, data.empty() ? nullptr : data.c_str());
    }
    if (reported != RXON_OK) ROS_WARN("task %s: %s", id.c_str(), rxon_last_error_message());
    rxon_task_free(&task);
  }

  /// Tasks the orchestrator cancelled (or whose deadline passed): told to ROS, reported.
  void watch_cancels(const ros::TimerEvent &) {
    std::map<std::string, rxon_task_t *> cancelled;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = in_hand_.begin(); it != in_hand_.end();) {
        if (rxon_task_is_cancelled(it->second)) {
          cancelled.insert(*it);
          it = in_hand_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto &entry : cancelled) {
      std_msgs::String message;
      message.data = entry.first;
      cancels_.publish(message);
      rxon_task_report_cancelled(entry.second);
      rxon_task_free(&entry.second);
    }
  }

  rxon_task_t *take(const std::string &id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = in_hand_.find(id);
    if (found == in_hand_.end()) return nullptr;
    rxon_task_t *task = found->second;
    in_hand_.erase(found);
    return task;
  }

  rxon_worker_t *worker_;
  std::mutex mutex_;
  std::map<std::string, rxon_task_t *> in_hand_;
  ros::Publisher tasks_, cancels_;
  ros::Subscriber results_;
  ros::Timer watch_;
};

}  // namespace

int main(int argc, char **argv) {
  ros::init(argc, argv, "rxon_worker");
  ros::NodeHandle nh, params("~");
  std::string url, worker_id, token, secret, skill;
  int concurrency = 4;
  params.param<std::string>("url", url, "http://127.0.0.1:8080");
  params.param<std::string>("worker_id", worker_id, "ros-worker");
  params.param<std::string>("token", token, "");
  params.param<std::string>("task_secret", secret, "");
  params.param<std::string>("skill", skill, "move");
  params.param("concurrency", concurrency, 4);
  std::string skills = "[\"" + skill + "\"]";

  rxon_worker_options_t opts;
  rxon_worker_options_default(&opts);
  opts.url = url.c_str();
  opts.worker_id = worker_id.c_str();
  opts.token = token.c_str();
  opts.task_secret = secret.empty() ? nullptr : secret.c_str();
  opts.skills_json = skills.c_str();
  opts.concurrency = static_cast<uint32_t>(concurrency);
  opts.heartbeat_interval_ms = 1000;
  rxon_worker_t *worker = nullptr;
  if (rxon_worker_new(&opts, &worker) != RXON_OK) {
    ROS_FATAL("rxon worker: %s", rxon_last_error_message());
    return 1;
  }
  Node node(nh, worker);
  std::thread taking([&node] { node.take_tasks(); });
  ROS_INFO("rxon worker %s serving skill %s from %s", worker_id.c_str(), skill.c_str(), url.c_str());
  ros::spin();  // until shutdown (SIGINT)
  rxon_worker_shutdown(worker, 2000);
  taking.join();
  rxon_worker_free(&worker);
  return 0;
}
