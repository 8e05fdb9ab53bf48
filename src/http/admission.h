// File: http/admission.h
//
// AdmissionGate: at most `capacity` requests do their work at once; the others wait and are
// let in strictly in the order they arrived.
//
// Why: the server keeps one thread per keep-alive connection (cpp-httplib), so under load
// hundreds of threads are runnable on two cores. Left to the kernel, they share the CPU in
// an order that lets some requests be overtaken again and again, which stretches the tail of
// the latency distribution (p99 about twice p50 at 200 connections). Through the gate a few
// requests run to completion at a time, first come first served, so every request waits for
// about the same work ahead of it (docs/API.md, Performance).
//
// Thread-safety: Enter and the Ticket it returns may be used from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace cse::http {

class AdmissionGate {
 public:
  // REQUIRES: capacity >= 1.
  explicit AdmissionGate(int capacity);
  AdmissionGate(const AdmissionGate&) = delete;
  AdmissionGate& operator=(const AdmissionGate&) = delete;

  // Holds one of the gate's places until destroyed (then the longest waiter gets it).
  class Ticket {
   public:
    Ticket(Ticket&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (gate_ != nullptr) gate_->Leave();
    }

   private:
    friend class AdmissionGate;
    explicit Ticket(AdmissionGate* gate) : gate_(gate) {}
    AdmissionGate* gate_;
  };

  // Blocks until a place is free and every earlier caller has been let in.
  Ticket Enter();

  int capacity() const { return capacity_; }
  // Requests inside and waiting now (for tests and diagnostics).
  int active() const;
  int64_t waiting() const;

 private:
  struct Waiter {
    std::condition_variable cv;
    bool admitted = false;
  };
  void Leave();

  const int capacity_;
  mutable std::mutex mu_;
  int active_ = 0;
  std::deque<Waiter*> waiting_;  // oldest first
};

}  // namespace cse::http
