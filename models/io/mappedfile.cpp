// SPDX-License-Identifier: Apache-2.0
#include "models/io/mappedfile.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rbx::io {

namespace {

// The mappings the SIGBUS handler may repair. Fixed-size and lock-free: the handler only reads atomics.
struct Slot
{
    std::atomic<bool> used {false};
    std::atomic<std::uintptr_t> begin {0}; // 0 while the slot is being set up or torn down
    std::atomic<std::uintptr_t> end {0};
    std::atomic<bool> changed {false};
};
constexpr int kSlots = 64;
Slot g_slots[kSlots];
std::uintptr_t g_pageSize = 4096;
struct sigaction g_previous {};
std::once_flag g_installOnce;

void onSigbus(int signal, siginfo_t* info, void* context)
{
    const auto address = reinterpret_cast<std::uintptr_t>(info->si_addr);
    for (auto& slot : g_slots) {
        const auto begin = slot.begin.load(std::memory_order_acquire);
        const auto end = slot.end.load(std::memory_order_acquire);
        if (begin == 0 || address < begin || address >= end)
            continue;
        // Zero pages from the faulting page to the end of the mapping: the read that faulted sees zeros on return.
        const auto from = address & ~(g_pageSize - 1);
        if (mmap(reinterpret_cast<void*>(from), end - from, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
            != MAP_FAILED) {
            slot.changed.store(true, std::memory_order_release);
            return;
        }
        break;
    }
    // Not ours: what was there before decides.
    if ((g_previous.sa_flags & SA_SIGINFO) != 0 && g_previous.sa_sigaction != nullptr) {
        g_previous.sa_sigaction(signal, info, context);
        return;
    }
    if ((g_previous.sa_flags & SA_SIGINFO) == 0 && g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
        g_previous.sa_handler(signal);
        return;
    }
    // The default action: the faulting access runs again and ends the process as it would have without us.
    struct sigaction fallback {};
    fallback.sa_handler = SIG_DFL;
    sigemptyset(&fallback.sa_mask);
    sigaction(SIGBUS, &fallback, nullptr);
}

void installHandler()
{
    g_pageSize = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    struct sigaction action {};
    action.sa_sigaction = onSigbus;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &g_previous);
}

int claimSlot(std::uintptr_t begin, std::uintptr_t end)
{
    for (int i = 0; i < kSlots; ++i) {
        bool expected = false;
        if (!g_slots[i].used.compare_exchange_strong(expected, true))
            continue;
        g_slots[i].changed.store(false);
        g_slots[i].end.store(end, std::memory_order_release);
        g_slots[i].begin.store(begin, std::memory_order_release);
        return i;
    }
    return -1;
}

} // namespace

std::optional<MappedFile> MappedFile::open(const std::string& path, std::size_t padding, std::string& error)
{
    error.clear();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = std::string("cannot open: ") + std::strerror(errno);
        return std::nullopt;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < static_cast<off_t>(kMinSize)) {
        ::close(fd);
        return std::nullopt;
    }
    std::call_once(g_installOnce, installHandler);
    const auto size = static_cast<std::size_t>(st.st_size);
    const std::size_t page = g_pageSize;
    const std::size_t total = (size + padding + page - 1) / page * page;
    // Reserve the whole range as zero pages, then lay the file over its start: what follows the file reads as zeros.
    void* base = mmap(nullptr, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        ::close(fd);
        return std::nullopt;
    }
    if (mmap(base, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0) == MAP_FAILED) {
        munmap(base, total);
        ::close(fd);
        return std::nullopt;
    }
    ::close(fd);
    const auto begin = reinterpret_cast<std::uintptr_t>(base);
    const int slot = claimSlot(begin, begin + total);
    if (slot < 0) { // too many files mapped at once: read this one
        munmap(base, total);
        return std::nullopt;
    }
    MappedFile file;
    file.m_data = static_cast<const char*>(base);
    file.m_size = size;
    file.m_mapped = total;
    file.m_slot = slot;
    return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_data(other.m_data)
    , m_size(other.m_size)
    , m_mapped(other.m_mapped)
    , m_slot(other.m_slot)
{
    other.m_data = nullptr;
    other.m_slot = -1;
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept
{
    if (this != &other) {
        release();
        m_data = other.m_data;
        m_size = other.m_size;
        m_mapped = other.m_mapped;
        m_slot = other.m_slot;
        other.m_data = nullptr;
        other.m_slot = -1;
    }
    return *this;
}

MappedFile::~MappedFile()
{
    release();
}

bool MappedFile::contains(char byte, unsigned threads) const
{
    constexpr std::size_t kMinPart = 16U << 20; // below that a thread costs more than it saves
    threads = std::max(1U, std::min(threads, static_cast<unsigned>(m_size / kMinPart)));
    std::atomic<bool> found {false};
    auto part = [&](unsigned i) {
        const std::size_t from = m_size / threads * i;
        const std::size_t to = i + 1 == threads ? m_size : m_size / threads * (i + 1);
        if (std::memchr(m_data + from, byte, to - from))
            found = true;
    };
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < threads; ++i)
        helpers.emplace_back(part, i);
    part(0);
    for (auto& h : helpers)
        h.join();
    return found;
}

bool MappedFile::changed() const
{
    return m_slot >= 0 && g_slots[m_slot].changed.load(std::memory_order_acquire);
}

void MappedFile::release()
{
    if (!m_data)
        return;
    auto& slot = g_slots[m_slot];
    slot.begin.store(0, std::memory_order_release);
    // Tearing down a large mapping takes ~10 ms for 175 MB: done on the side, nobody waits for it.
    void* data = const_cast<char*>(m_data);
    const std::size_t length = m_mapped;
    if (length >= (64U << 20))
        std::thread([data, length] { munmap(data, length); }).detach();
    else
        munmap(data, length);
    slot.end.store(0);
    slot.used.store(false, std::memory_order_release);
    m_data = nullptr;
    m_slot = -1;
}

} // namespace rbx::io
