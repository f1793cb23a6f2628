#include "render/internal/Canvas.h"

#include "core/Error.h"

#include <vtk_glew.h>
#include <vtkCallbackCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageData.h>
#include <vtkOpenGLFramebufferObject.h>
#include <vtkOpenGLShaderCache.h>
#include <vtkOpenGLState.h>
#include <vtkPointData.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkRendererCollection.h>
#include <vtkTextureObject.h>
#include <vtkUnsignedCharArray.h>
#include <vtkWindowToImageFilter.h>

#include <X11/Xlib.h>

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <cstring>

namespace irplan::render {

bool displayAvailable() {
    // One connection stays open for the life of the process: an X server such as
    // Xvfb resets when its last client leaves, and a connection attempted during
    // the reset fails. Holding one keeps the server up while VTK opens its own;
    // a few retries ride out a reset already under way.
    static std::mutex m;
    static Display* held = nullptr;
    static std::string heldName;
    std::lock_guard<std::mutex> lock(m);
    const char* name = std::getenv("DISPLAY");
    if (!name || !*name) return false;
    if (held && heldName == name) return true;
    for (int attempt = 0; attempt < 20; ++attempt) {
        if (Display* d = XOpenDisplay(name)) {
            if (held) XCloseDisplay(held);
            held = d;
            heldName = name;
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

namespace detail {

Canvas::Canvas(const CanvasOptions& options) : options_(options) {
    if (options_.kind == CanvasKind::Offscreen) {
        if (!displayAvailable())
            throw Error("no X display for offscreen rendering (DISPLAY is unset or unreachable); run under Xvfb, "
                        "e.g. xvfb-run -a irplan ...");
        window_ = vtkSmartPointer<vtkRenderWindow>::New();
        window_->SetOffScreenRendering(1);
        window_->SetMultiSamples(0); // anti-aliasing off: renders are comparable pixel by pixel
    } else {
        auto generic = vtkSmartPointer<vtkGenericOpenGLRenderWindow>::New();
        GlContextHooks* hooks = &options_.hooks;
        makeCurrent_ = vtkSmartPointer<vtkCallbackCommand>::New();
        makeCurrent_->SetClientData(hooks);
        makeCurrent_->SetCallback([](vtkObject*, unsigned long, void* client, void*) {
            auto* h = static_cast<GlContextHooks*>(client);
            if (h->makeCurrent) h->makeCurrent();
        });
        isCurrent_ = vtkSmartPointer<vtkCallbackCommand>::New();
        isCurrent_->SetClientData(hooks);
        isCurrent_->SetCallback([](vtkObject*, unsigned long, void* client, void* call) {
            auto* h = static_cast<GlContextHooks*>(client);
            *static_cast<bool*>(call) = h->isCurrent ? h->isCurrent() : true;
        });
        supportsGl_ = vtkSmartPointer<vtkCallbackCommand>::New();
        supportsGl_->SetCallback([](vtkObject*, unsigned long, void*, void* call) { *static_cast<int*>(call) = 1; });
        generic->AddObserver(vtkCommand::WindowMakeCurrentEvent, makeCurrent_);
        generic->AddObserver(vtkCommand::WindowIsCurrentEvent, isCurrent_);
        generic->AddObserver(vtkCommand::WindowSupportsOpenGLEvent, supportsGl_);
        generic->SetOwnContext(false);
        generic->SetOffScreenRendering(1);
        generic->SetFrameBlitModeToNoBlit();
        generic->SetMultiSamples(0);
        if (options_.hooks.makeCurrent) options_.hooks.makeCurrent();
        generic->InitializeFromCurrentContext();
        window_ = generic;
    }
}

Canvas::~Canvas() { release(); }

void Canvas::release() {
    if (!window_) return;
    if (options_.kind == CanvasKind::SharedContext && options_.hooks.makeCurrent) options_.hooks.makeCurrent();
    auto* renderers = window_->GetRenderers();
    renderers->InitTraversal();
    while (vtkRenderer* r = renderers->GetNextItem()) r->ReleaseGraphicsResources(window_);
    window_->Finalize();
    window_ = nullptr;
}

void Canvas::addRenderer(vtkRenderer* renderer) { window_->AddRenderer(renderer); }

void Canvas::setSize(int width, int height) {
    if (width == width_ && height == height_) return;
    width_ = width;
    height_ = height;
    if (width > 0 && height > 0) window_->SetSize(width, height);
}

void Canvas::render() {
    if (width_ <= 0 || height_ <= 0 || !window_) return;
    if (options_.kind == CanvasKind::SharedContext) {
        // The GUI changes GL state between frames behind VTK's cache: re-read it,
        // render, then give the context back as we found it.
        auto* gl = static_cast<vtkOpenGLRenderWindow*>(window_.Get());
        gl->MakeCurrent();
        gl->GetState()->Reset();
        gl->GetState()->Push();
        // Every view's window and ImGui share this context: the program VTK's
        // cache believes is bound may not be, so make it bind again.
        gl->GetShaderCache()->ReleaseCurrentShader();
        window_->Render();
        window_->WaitForCompletion(); // frame times below are the real cost, not queued work
        gl->GetState()->Pop();
        glBindFramebuffer(GL_FRAMEBUFFER, 0);
    } else {
        window_->Render();
        window_->WaitForCompletion();
    }
    rendered_ = true;
}

RgbaImage Canvas::capture() {
    RgbaImage out;
    if (!rendered_ || width_ <= 0 || height_ <= 0) return out;
    auto filter = vtkSmartPointer<vtkWindowToImageFilter>::New();
    filter->SetInput(window_);
    filter->SetInputBufferTypeToRGBA();
    filter->ReadFrontBufferOff();
    filter->ShouldRerenderOff();
    filter->Update();
    vtkImageData* img = filter->GetOutput();
    int dims[3];
    img->GetDimensions(dims);
    out = RgbaImage(dims[0], dims[1]);
    auto* data = static_cast<unsigned char*>(img->GetScalarPointer());
    const size_t row = static_cast<size_t>(dims[0]) * 4;
    for (int y = 0; y < dims[1]; ++y) // VTK's row 0 is the bottom
        std::memcpy(out.at(0, y), data + static_cast<size_t>(dims[1] - 1 - y) * row, row);
    for (size_t i = 3; i < out.pixels.size(); i += 4) out.pixels[i] = 255;
    if (options_.kind == CanvasKind::SharedContext) glBindFramebuffer(GL_FRAMEBUFFER, 0);
    return out;
}

unsigned Canvas::texture() const {
    if (!rendered_ || options_.kind != CanvasKind::SharedContext) return 0;
    auto* gl = static_cast<vtkOpenGLRenderWindow*>(window_.Get());
    vtkOpenGLFramebufferObject* fbo = gl->GetDisplayFramebuffer();
    if (!fbo) return 0;
    vtkTextureObject* tex = fbo->GetColorAttachmentAsTextureObject(0);
    return tex ? tex->GetHandle() : 0;
}

} // namespace detail
} // namespace irplan::render
